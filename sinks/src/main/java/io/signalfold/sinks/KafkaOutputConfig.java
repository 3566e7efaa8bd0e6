package io.signalfold.sinks;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * Configuration of the Kafka output sinks. Defaults: exactly-once, transactional id prefix {@code
 * signalfold}, transaction timeout 10 min (must stay within the broker's {@code
 * transaction.max.timeout.ms}, 15 min by default), both formats (Avro and CloudEvents JSON), JSON
 * topic suffix {@code .json}, CloudEvents source {@code /signalfold}, redaction on, IP addresses
 * kept.
 */
public final class KafkaOutputConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The broker's default upper bound for transaction.timeout.ms. */
  public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  private final String bootstrapServers;
  private final DeliveryGuarantee deliveryGuarantee;
  private final String transactionalIdPrefix;
  private final Duration transactionTimeout;
  private final TransactionNamingStrategy transactionNamingStrategy;
  private final boolean avro;
  private final boolean json;
  private final String jsonSuffix;
  private final String cloudEventsSource;
  private final boolean redact;
  private final boolean redactIpAddresses;
  private final Map<String, String> topicNames;
  private final Properties producerProperties;
  private final Clock fallbackClock;

  private KafkaOutputConfig(Builder b) {
    this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
    this.deliveryGuarantee = Objects.requireNonNull(b.deliveryGuarantee, "deliveryGuarantee");
    this.transactionalIdPrefix =
        Objects.requireNonNull(b.transactionalIdPrefix, "transactionalIdPrefix");
    if (b.transactionTimeout.isNegative()
        || b.transactionTimeout.isZero()
        || b.transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "transactionTimeout must be in (0, 15 min]: " + b.transactionTimeout);
    }
    if (!b.avro && !b.json) {
      throw new IllegalArgumentException("avro and json: at least one format must be on");
    }
    this.transactionTimeout = b.transactionTimeout;
    this.transactionNamingStrategy =
        Objects.requireNonNull(b.transactionNamingStrategy, "transactionNamingStrategy");
    this.avro = b.avro;
    this.json = b.json;
    this.jsonSuffix = Objects.requireNonNull(b.jsonSuffix, "jsonSuffix");
    this.cloudEventsSource = Objects.requireNonNull(b.cloudEventsSource, "cloudEventsSource");
    this.redact = b.redact;
    this.redactIpAddresses = b.redactIpAddresses;
    this.topicNames = Map.copyOf(b.topicNames);
    this.producerProperties = new Properties();
    this.producerProperties.putAll(b.producerProperties);
    this.fallbackClock = Objects.requireNonNull(b.fallbackClock, "fallbackClock");
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public DeliveryGuarantee deliveryGuarantee() {
    return deliveryGuarantee;
  }

  public String transactionalIdPrefix() {
    return transactionalIdPrefix;
  }

  public Duration transactionTimeout() {
    return transactionTimeout;
  }

  /** How transactional ids are named and lingering transactions found on recovery. */
  public TransactionNamingStrategy transactionNamingStrategy() {
    return transactionNamingStrategy;
  }

  public boolean avro() {
    return avro;
  }

  public boolean json() {
    return json;
  }

  public String jsonSuffix() {
    return jsonSuffix;
  }

  public String cloudEventsSource() {
    return cloudEventsSource;
  }

  public boolean redact() {
    return redact;
  }

  public boolean redactIpAddresses() {
    return redactIpAddresses;
  }

  /** The topic used for a default topic name (overrides, else the name itself). */
  public String topicName(String defaultName) {
    return topicNames.getOrDefault(defaultName, defaultName);
  }

  /** A copy of the extra producer properties. */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.putAll(producerProperties);
    return p;
  }

  /** Only for records whose event time is unusable (never Long.MAX_VALUE on the wire). */
  public Clock fallbackClock() {
    return fallbackClock;
  }

  /** Builder with the defaults listed on {@link KafkaOutputConfig}. */
  public static final class Builder {
    private final String bootstrapServers;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
    private String transactionalIdPrefix = "signalfold";
    private Duration transactionTimeout = Duration.ofMinutes(10);
    private TransactionNamingStrategy transactionNamingStrategy = TransactionNamingStrategy.POOLING;
    private boolean avro = true;
    private boolean json = true;
    private String jsonSuffix = ".json";
    private String cloudEventsSource = "/signalfold";
    private boolean redact = true;
    private boolean redactIpAddresses = false;
    private final Map<String, String> topicNames = new HashMap<>();
    private final Properties producerProperties = new Properties();
    private Clock fallbackClock = Clock.systemUTC();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public Builder deliveryGuarantee(DeliveryGuarantee v) {
      this.deliveryGuarantee = v;
      return this;
    }

    public Builder transactionalIdPrefix(String v) {
      this.transactionalIdPrefix = v;
      return this;
    }

    public Builder transactionTimeout(Duration v) {
      this.transactionTimeout = Objects.requireNonNull(v, "transactionTimeout");
      return this;
    }

    public Builder transactionNamingStrategy(TransactionNamingStrategy v) {
      this.transactionNamingStrategy = v;
      return this;
    }

    public Builder avro(boolean v) {
      this.avro = v;
      return this;
    }

    public Builder json(boolean v) {
      this.json = v;
      return this;
    }

    public Builder jsonSuffix(String v) {
      this.jsonSuffix = v;
      return this;
    }

    public Builder cloudEventsSource(String v) {
      this.cloudEventsSource = v;
      return this;
    }

    public Builder redact(boolean v) {
      this.redact = v;
      return this;
    }

    public Builder redactIpAddresses(boolean v) {
      this.redactIpAddresses = v;
      return this;
    }

    /** Publishes records of the default topic {@code defaultName} to {@code topic} instead. */
    public Builder topicName(String defaultName, String topic) {
      this.topicNames.put(defaultName, topic);
      return this;
    }

    public Builder producerProperty(String key, String value) {
      this.producerProperties.setProperty(key, value);
      return this;
    }

    public Builder fallbackClock(Clock v) {
      this.fallbackClock = v;
      return this;
    }

    public KafkaOutputConfig build() {
      return new KafkaOutputConfig(this);
    }
  }
}
