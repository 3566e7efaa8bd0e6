package io.signalfold.sinks.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** A local webhook receiver (JDK HttpServer) that records bodies and answers scripted statuses. */
final class CapturingServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  /** Status for the n-th request (0-based); negative = hang for that many ms, then 200. */
  private volatile IntFunction<Integer> status = n -> 200;

  private volatile String retryAfter;

  CapturingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void status(IntFunction<Integer> s) {
    this.status = s;
  }

  void retryAfter(String v) {
    this.retryAfter = v;
  }

  List<String> bodies() {
    return bodies;
  }

  List<String> contentTypes() {
    return contentTypes;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      int n = bodies.size();
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
      int s = status.apply(n);
      if (s < 0) {
        try {
          Thread.sleep(-s);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        s = 200;
      }
      if (retryAfter != null && s == 429) {
        ex.getResponseHeaders().add("Retry-After", retryAfter);
      }
      byte[] out = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(s, out.length);
      ex.getResponseBody().write(out);
    } catch (IOException e) {
      // client gone
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
