package io.signalfold.ingest;

import io.signalfold.ingest.internal.DecodeSink;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ResourceContext;
import java.util.ArrayList;
import java.util.List;

/** A DecodeSink that keeps everything, for decoder tests. */
public final class CollectingSink<T> implements DecodeSink<T> {

  /** One rejected item. */
  public record Rejection(DeadLetterReason reason, String detail, byte[] payload) {}

  public final List<T> items = new ArrayList<>();
  public final List<Rejection> rejections = new ArrayList<>();
  public final List<String> sightings = new ArrayList<>();
  public final List<String> skipped = new ArrayList<>();

  @Override
  public void emit(T item) {
    items.add(item);
  }

  @Override
  public void reject(DeadLetterReason reason, String detail, byte[] payload) {
    rejections.add(new Rejection(reason, detail, payload));
  }

  @Override
  public void sighting(ResourceContext resource, long timeMs) {
    sightings.add(resource.getService() + "@" + resource.getServiceVersion() + "@" + timeMs);
  }

  @Override
  public void skipped(String what) {
    skipped.add(what);
  }
}
