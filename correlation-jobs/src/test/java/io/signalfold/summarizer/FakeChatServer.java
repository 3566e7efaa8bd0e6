package io.signalfold.summarizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalfold.summarizer.internal.SummaryPrompt;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local OpenAI-compatible chat-completions server (JDK HttpServer) for tests: it speaks the real
 * protocol over HTTP and answers with whatever the test scripts: grounded summaries, errors, slow
 * replies, malformed JSON, or adversarial output that obeys instructions injected into the facts.
 */
final class FakeChatServer implements AutoCloseable {

  /** What the server does with one request. */
  record Reply(int status, String body, long delayMs, Map<String, String> headers) {
    static Reply ok(String content) {
      return new Reply(200, completion(content), 0, Map.of());
    }

    static Reply status(int status) {
      return new Reply(
          status, "{\"error\":{\"message\":\"scripted " + status + "\"}}", 0, Map.of());
    }

    Reply delayed(long ms) {
      return new Reply(status, body, ms, headers);
    }

    Reply withHeader(String k, String v) {
      return new Reply(status, body, delayMs, Map.of(k, v));
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile Function<String, Reply> handler = body -> Reply.ok(groundedContent(body));

  FakeChatServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void handler(Function<String, Reply> h) {
    this.handler = h;
  }

  List<String> requests() {
    return requests;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      requests.add(body);
      Reply r = handler.apply(body);
      if (r.delayMs() > 0) {
        try {
          Thread.sleep(r.delayMs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.sendResponseHeaders(r.status(), out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    } catch (IOException e) {
      // client went away (timeout): nothing to do
    }
  }

  /** A chat.completion response carrying {@code content}. */
  static String completion(String content) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-test");
    root.put("object", "chat.completion");
    root.put("created", 1);
    root.put("model", "test-model");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", 900);
    usage.put("completion_tokens", 120);
    usage.put("total_tokens", 1020);
    return root.toString();
  }

  /** The user message of a request. */
  static String userMessage(String requestBody) {
    try {
      JsonNode root = JSON.readTree(requestBody);
      for (JsonNode m : root.get("messages")) {
        if ("user".equals(m.get("role").asText())) {
          return m.get("content").asText();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no user message");
  }

  /** The facts JSON between the markers of the user message. */
  static JsonNode facts(String requestBody) {
    String u = userMessage(requestBody);
    int b = u.indexOf(SummaryPrompt.BEGIN) + SummaryPrompt.BEGIN.length();
    int e = u.indexOf(SummaryPrompt.END);
    try {
      return JSON.readTree(u.substring(b, e));
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** What a well-behaved model answers: sentences built from the facts, citing real ids. */
  static String groundedContent(String requestBody) {
    return sentencesJson(groundedSentences(facts(requestBody)));
  }

  static ArrayNode groundedSentences(JsonNode f) {
    ArrayNode arr = JSON.createArrayNode();
    JsonNode first = f.get("affected").get(0);
    sentence(
        arr,
        "Since "
            + f.get("onset").get("time").asText()
            + ", "
            + first.get("name").asText()
            + " shows failures.",
        first.get("evidenceIds").get(0).asText());
    JsonNode top = f.get("hypotheses").get(0);
    String ev = top.get("evidenceIds").get(0).asText();
    String entity = top.get("entity").asText();
    String owner = top.get("service").isNull() ? "" : " of " + top.get("service").asText();
    sentence(
        arr,
        "The most likely cause, with confidence "
            + top.get("confidence").asText()
            + ", is "
            + entity
            + owner
            + ".",
        ev);
    sentence(
        arr,
        top.get("correlationOnly").asBoolean()
            ? "This is a correlation in time, not proof of cause."
            : "This rests on direct evidence.",
        ev);
    sentence(arr, "Suggested mitigation: " + top.get("mitigation").asText() + ".", ev);
    return arr;
  }

  static void sentence(ArrayNode arr, String text, String... citations) {
    ObjectNode s = arr.addObject();
    s.put("text", text);
    ArrayNode c = s.putArray("citations");
    for (String id : citations) {
      c.add(id);
    }
  }

  static String sentencesJson(ArrayNode sentences) {
    ObjectNode root = JSON.createObjectNode();
    root.set("sentences", sentences);
    return root.toString();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
