package io.signalfold.loadtest.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The NAB corpus on disk: {@code data/<category>/<file>.csv} and {@code
 * labels/combined_windows.json}.
 */
public final class NabCorpus {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * One data file.
   *
   * @param name category/file.csv
   * @param timestamps the timestamp text of each row, as in the file
   * @param epochMs the timestamps in epoch milliseconds (UTC)
   * @param values the values
   * @param windows labelled windows as inclusive row ranges
   */
  public record DataFile(
      String name, String[] timestamps, long[] epochMs, double[] values, int[][] windows) {

    public String category() {
      return name.substring(0, name.indexOf('/'));
    }

    public String fileName() {
      return name.substring(name.indexOf('/') + 1);
    }

    public boolean inWindow(int row) {
      for (int[] w : windows) {
        if (row >= w[0] && row <= w[1]) {
          return true;
        }
      }
      return false;
    }
  }

  private NabCorpus() {}

  /** Reads every file of the corpus in a stable (sorted) order. */
  public static List<DataFile> read(Path root) throws IOException {
    Path data = root.resolve("data");
    Path labels = root.resolve("labels").resolve("combined_windows.json");
    JsonNode labelTree = new ObjectMapper().readTree(labels.toFile());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    List<DataFile> result = new ArrayList<>();
    for (Path file : files) {
      String name = data.relativize(file).toString().replace('\\', '/');
      result.add(readFile(file, name, labelTree.get(name)));
    }
    return result;
  }

  static long parse(String text) {
    String t = text.trim();
    int dot = t.indexOf('.');
    if (dot > 0) {
      t = t.substring(0, dot);
    }
    return LocalDateTime.parse(t, FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private static DataFile readFile(Path file, String name, JsonNode windowsNode)
      throws IOException {
    List<String> stamps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine(); // header
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        int comma = line.indexOf(',');
        stamps.add(line.substring(0, comma));
        values.add(Double.parseDouble(line.substring(comma + 1).trim()));
      }
    }
    int n = stamps.size();
    long[] ms = new long[n];
    double[] v = new double[n];
    Map<Long, Integer> rowOf = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ms[i] = parse(stamps.get(i));
      v[i] = values.get(i);
      rowOf.putIfAbsent(ms[i], i);
    }
    List<int[]> windows = new ArrayList<>();
    if (windowsNode != null) {
      Iterator<JsonNode> it = windowsNode.elements();
      while (it.hasNext()) {
        JsonNode w = it.next();
        Integer a = rowOf.get(parse(w.get(0).asText()));
        Integer b = rowOf.get(parse(w.get(1).asText()));
        if (a == null || b == null) {
          throw new IOException("window bound not in file " + name + ": " + w);
        }
        windows.add(new int[] {a, b});
      }
    }
    windows.sort((x, y) -> Integer.compare(x[0], y[0]));
    return new DataFile(name, stamps.toArray(new String[0]), ms, v, windows.toArray(new int[0][]));
  }
}
