package io.signalfold.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it receives in this JVM, by name: the MiniCluster runs in the test's
 * process, so a test can look at any intermediate stream of the job after it finished.
 */
final class Collected<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;
  private static final Map<String, ConcurrentLinkedQueue<Object>> STORE = new ConcurrentHashMap<>();

  private final String name;

  private Collected(String name) {
    this.name = name;
  }

  static <T> Collected<T> into(String name) {
    STORE.put(name, new ConcurrentLinkedQueue<>());
    return new Collected<>(name);
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> get(String name) {
    return new ArrayList<>((ConcurrentLinkedQueue<T>) (ConcurrentLinkedQueue<?>) STORE.get(name));
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    ConcurrentLinkedQueue<Object> queue = STORE.get(name);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        queue.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
