package io.signalfold.ingest.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ResourceContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reduces an OpenTelemetry resource to the {@link ResourceContext} the pipeline correlates on, and
 * checks attribute sets against the configured size limits. Shared by the metric, span and log
 * decoders.
 */
public final class ResourceDecoder {

  /** service.name when a producer sets none (the OpenTelemetry SDK default prefix). */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private final String cellKey;
  private final Set<String> allowList;
  private final int maxAttributeCount;
  private final int maxAttributeBytes;

  public ResourceDecoder(IngestConfig config) {
    this.cellKey = config.cellAttributeKey();
    this.allowList = config.resourceAttributeAllowList();
    this.maxAttributeCount = config.maxAttributeCount();
    this.maxAttributeBytes = config.maxAttributeBytes();
  }

  /**
   * A decoded resource: the context plus its identity key (service/namespace/instance/container).
   */
  public static final class Decoded {
    public final ResourceContext context;
    public final String service;
    public final String identityKey;

    Decoded(ResourceContext context, String service, String identityKey) {
      this.context = context;
      this.service = service;
      this.identityKey = identityKey;
    }
  }

  /**
   * Why an attribute list is too large (to be prefixed with its location), or null when it is
   * within the limits. Counts attributes and their size (key plus value).
   */
  public String oversized(List<KeyValue> attributes) {
    int n = attributes.size();
    if (n > maxAttributeCount) {
      return "has " + n + " attributes (max " + maxAttributeCount + ")";
    }
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      bytes += approximateSize(attributes.get(i));
    }
    if (bytes > maxAttributeBytes) {
      return "attributes take " + bytes + " bytes (max " + maxAttributeBytes + ")";
    }
    return null;
  }

  /** Key plus value size in chars (strings) or their encoded size (other values), no copying. */
  private static long approximateSize(KeyValue kv) {
    AnyValue v = kv.getValue();
    long size = kv.getKey().length();
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return size + v.getStringValue().length();
      case INT_VALUE:
      case DOUBLE_VALUE:
        return size + 8;
      case BOOL_VALUE:
        return size + 1;
      default:
        return size + v.getSerializedSize();
    }
  }

  public Decoded decode(Resource resource) {
    String service = null;
    String version = null;
    String namespace = null;
    String host = null;
    String pod = null;
    String instanceId = null;
    String container = null;
    String zone = null;
    String cell = null;
    Map<String, String> rest = null;
    List<KeyValue> attrs = resource.getAttributesList();
    for (int i = 0, n = attrs.size(); i < n; i++) {
      KeyValue kv = attrs.get(i);
      String key = kv.getKey();
      String value = AttributeValues.toText(kv.getValue());
      switch (key) {
        case "service.name":
          service = value;
          break;
        case "service.version":
          version = value;
          break;
        case "service.namespace":
          namespace = value;
          break;
        case "k8s.namespace.name":
          if (namespace == null) {
            namespace = value;
          }
          break;
        case "host.name":
          host = value;
          break;
        case "k8s.pod.name":
          pod = value;
          break;
        case "service.instance.id":
          instanceId = value;
          break;
        case "k8s.container.name":
          container = value;
          break;
        case "container.name":
          if (container == null) {
            container = value;
          }
          break;
        case "cloud.availability_zone":
          zone = value;
          break;
        default:
          if (key.equals(cellKey)) {
            cell = value;
          }
          break;
      }
      if (allowList.contains(key)) {
        if (rest == null) {
          rest = new HashMap<>(8);
        }
        rest.put(key, value);
      }
    }
    if (service == null || service.isEmpty()) {
      service = UNKNOWN_SERVICE;
    }
    String instance = host != null ? host : pod != null ? pod : instanceId;
    ResourceContext rc = new ResourceContext();
    rc.setService(service);
    rc.setServiceVersion(version);
    rc.setNamespace(namespace);
    rc.setInstance(instance);
    rc.setContainer(container);
    rc.setZone(zone);
    rc.setCell(cell);
    rc.setAttributes(rest == null ? new HashMap<>() : rest);
    StringBuilder id = new StringBuilder(service.length() + 32);
    if (namespace != null) {
      id.append(namespace).append('.');
    }
    id.append(service).append('/');
    if (instance != null) {
      id.append(instance);
    }
    if (container != null) {
      id.append('/').append(container);
    }
    return new Decoded(rc, service, id.toString());
  }

  /** Attribute value by key, or null. */
  public static AnyValue find(List<KeyValue> attributes, String key) {
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue kv = attributes.get(i);
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    return null;
  }
}
