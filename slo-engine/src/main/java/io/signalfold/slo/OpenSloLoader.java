package io.signalfold.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.slo.internal.DurationText;
import io.signalfold.slo.internal.YamlNode;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads SLOs from OpenSLO v1 YAML (https://github.com/OpenSLO/OpenSLO, {@code apiVersion:
 * openslo/v1}): kinds SLO, SLI, AlertPolicy and AlertCondition are read; Service, DataSource and
 * AlertNotificationTarget are accepted and not used. References ({@code indicatorRef}, alert policy
 * names, {@code conditionRef}) resolve across all files loaded together.
 *
 * <p>Every problem is reported with file, line, column and field, all at once ({@link
 * SloDefinitionException}).
 *
 * <p>Metric sources use {@code type: signalfold} with {@code spec.signal}:
 *
 * <ul>
 *   <li>{@code spans}: RED points of the SLO's service (SERVER spans). In a ratioMetric, {@code
 *       total} counts requests and {@code good} successes (or {@code bad} errors): an availability
 *       SLI. In a thresholdMetric, with an objective {@code op: lte, value: <ms>}: a latency SLI.
 *       Optional {@code operation} and {@code groupBy: [operation, zone, cell]}.
 *   <li>{@code metrics}: MetricPoints {@code metric: <name>}, optional {@code service}, {@code
 *       attributes: {k: v}} and {@code le} (histograms: observations at or under it). In a
 *       thresholdMetric the metric is a latency histogram and the objective value is in ms.
 *   <li>{@code logs}: LogSignal counts, optional {@code service}, {@code severities: [ERROR]},
 *       {@code templateId} or {@code template} (glob).
 * </ul>
 *
 * <p>Alert policies: each AlertCondition of {@code kind: burnrate} ({@code op: gt}, {@code
 * threshold}, {@code lookbackWindow}, optional {@code alertAfter}) becomes a multiwindow rule whose
 * long window is the lookback window and whose short window is 1/12 of it (the SRE workbook's
 * ratio) unless {@code shortWindow} is given. An SLO without alert policies gets the default
 * policy.
 */
public final class OpenSloLoader {

  private static final Pattern OPENSLO_DURATION = Pattern.compile("^(\\d+)([smhdwMQY])$");
  private static final Set<String> KNOWN_KINDS =
      Set.of(
          "SLO",
          "SLI",
          "AlertPolicy",
          "AlertCondition",
          "Service",
          "DataSource",
          "AlertNotificationTarget");
  private static final DateTimeFormatter OPENSLO_START =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final BurnRatePolicy basePolicy;

  private OpenSloLoader(BurnRatePolicy basePolicy) {
    this.basePolicy = basePolicy;
  }

  /** A loader whose alert policies take hysteresis and budget alerts from the SRE defaults. */
  public static OpenSloLoader create() {
    return new OpenSloLoader(BurnRatePolicy.sreWorkbook());
  }

  /**
   * A loader that starts every SLO from {@code policy}: SLOs without alert policies get it as is;
   * those with alert policies get its hysteresis and budget alerts with their own rules.
   */
  public OpenSloLoader withBasePolicy(BurnRatePolicy policy) {
    return new OpenSloLoader(policy);
  }

  /**
   * Loads every SLO of the given files.
   *
   * @throws SloDefinitionException listing every problem found
   * @throws IOException when a file cannot be read
   */
  public List<SloDefinition> load(List<Path> files) throws IOException {
    Session s = new Session();
    for (Path f : files) {
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        s.read(f.toString(), r);
      }
    }
    return s.build();
  }

  /**
   * Loads every SLO of the {@code .yaml}/{@code .yml} files directly in {@code directory}, in file
   * name order (references may cross files).
   */
  public List<SloDefinition> loadDirectory(Path directory) throws IOException {
    List<Path> files;
    try (var stream = Files.list(directory)) {
      files =
          stream
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .collect(java.util.stream.Collectors.toList());
    }
    return load(files);
  }

  /** Loads every SLO of one file. */
  public List<SloDefinition> load(Path file) throws IOException {
    return load(List.of(file));
  }

  /** Loads SLOs from YAML text; {@code sourceName} stands for the file in messages. */
  public List<SloDefinition> parse(String sourceName, String yaml) {
    Session s = new Session();
    try {
      s.read(sourceName, new StringReader(yaml));
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
    return s.build();
  }

  /** A document and the file it came from. */
  private record Doc(String file, YamlNode node, String kind, String name) {}

  /** One load: documents, their index by kind and name, and the problems found. */
  private final class Session {
    final List<Doc> docs = new ArrayList<>();
    final Map<String, Doc> byKindAndName = new LinkedHashMap<>();
    final List<SloDefinitionException.Problem> problems = new ArrayList<>();

    void read(String file, Reader reader) throws IOException {
      List<YamlNode> nodes;
      try {
        nodes = YamlNode.readAll(reader);
      } catch (JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        int col = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
        problems.add(
            new SloDefinitionException.Problem(
                file, line, col, "(yaml)", "not valid YAML: " + e.getOriginalMessage()));
        return;
      }
      for (YamlNode n : nodes) {
        if (n.kind() == YamlNode.Kind.NULL) {
          continue; // an empty document between '---' separators
        }
        Where w = new Where(file, this);
        if (!n.isMap()) {
          w.problem(
              n, "(document)", "expected an OpenSLO object (apiVersion, kind, metadata, spec)");
          continue;
        }
        String api = w.text(n, "apiVersion", "apiVersion", true);
        if (api != null && !api.equals("openslo/v1")) {
          w.problem(
              n.get("apiVersion"),
              "apiVersion",
              "unsupported apiVersion '" + api + "': expected openslo/v1");
          continue;
        }
        String kind = w.text(n, "kind", "kind", true);
        if (kind == null) {
          continue;
        }
        if (!KNOWN_KINDS.contains(kind)) {
          w.problem(
              n.get("kind"),
              "kind",
              "unknown kind '"
                  + kind
                  + "': expected one of SLO, SLI, AlertPolicy, AlertCondition, Service, DataSource,"
                  + " AlertNotificationTarget");
          continue;
        }
        YamlNode meta = w.map(n, "metadata", "metadata", true);
        String name = meta == null ? null : w.text(meta, "name", "metadata.name", true);
        if (name == null) {
          continue;
        }
        Doc d = new Doc(file, n, kind, name);
        Doc previous = byKindAndName.putIfAbsent(kind + "/" + name, d);
        if (previous != null) {
          w.problem(
              meta.get("name"),
              "metadata.name",
              kind
                  + " '"
                  + name
                  + "' is defined twice (first at "
                  + previous.file()
                  + ":"
                  + previous.node().line()
                  + ")");
          continue;
        }
        docs.add(d);
      }
    }

    List<SloDefinition> build() {
      List<SloDefinition> out = new ArrayList<>();
      for (Doc d : docs) {
        if (d.kind().equals("SLO")) {
          out.addAll(new Where(d.file(), this).slo(d));
        }
      }
      if (!problems.isEmpty()) {
        throw new SloDefinitionException(problems);
      }
      return out;
    }
  }

  /** Validation helpers bound to one file; they record problems and return null on failure. */
  private final class Where {
    final String file;
    final Session session;

    Where(String file, Session session) {
      this.file = file;
      this.session = session;
    }

    void problem(YamlNode at, String field, String message) {
      int line = at == null ? 0 : at.line();
      int col = at == null ? 0 : at.column();
      session.problems.add(new SloDefinitionException.Problem(file, line, col, field, message));
    }

    YamlNode map(YamlNode parent, String key, String field, boolean required) {
      YamlNode n = parent.get(key);
      if (n == null || n.kind() == YamlNode.Kind.NULL) {
        if (required) {
          problem(parent, field, "missing");
        }
        return null;
      }
      if (!n.isMap()) {
        problem(n, field, "expected a mapping");
        return null;
      }
      return n;
    }

    YamlNode list(YamlNode parent, String key, String field, boolean required) {
      YamlNode n = parent.get(key);
      if (n == null || n.kind() == YamlNode.Kind.NULL) {
        if (required) {
          problem(parent, field, "missing");
        }
        return null;
      }
      if (!n.isList()) {
        problem(n, field, "expected a list");
        return null;
      }
      return n;
    }

    String text(YamlNode parent, String key, String field, boolean required) {
      YamlNode n = parent.get(key);
      if (n == null || n.kind() == YamlNode.Kind.NULL) {
        if (required) {
          problem(parent, field, "missing");
        }
        return null;
      }
      if (!n.isScalar() || n.text().isBlank()) {
        problem(n, field, "expected a non-empty string");
        return null;
      }
      return n.text();
    }

    Double number(YamlNode parent, String key, String field, boolean required) {
      String t = text(parent, key, field, required);
      if (t == null) {
        return null;
      }
      try {
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v)) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        problem(parent.get(key), field, "expected a number, got '" + t + "'");
        return null;
      }
    }

    Duration duration(YamlNode parent, String key, String field, boolean required) {
      String t = text(parent, key, field, required);
      if (t == null) {
        return null;
      }
      try {
        Duration d = DurationText.parse(t);
        if (d.isZero()) {
          problem(parent.get(key), field, "must be longer than zero");
          return null;
        }
        return d;
      } catch (IllegalArgumentException e) {
        problem(parent.get(key), field, e.getMessage());
        return null;
      }
    }

    /** Checks that a map has only the given keys (typos in field names are errors). */
    void known(YamlNode map, String path, Set<String> keys) {
      for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
        if (!keys.contains(e.getKey())) {
          problem(
              e.getValue(),
              path + e.getKey(),
              "unknown field; expected one of " + String.join(", ", new java.util.TreeSet<>(keys)));
        }
      }
    }

    // -------------------------------------------------------------------------------------------

    List<SloDefinition> slo(Doc d) {
      int before = session.problems.size();
      YamlNode n = d.node();
      known(n, "", Set.of("apiVersion", "kind", "metadata", "spec"));
      YamlNode meta = n.get("metadata");
      Map<String, String> labels = labels(meta);
      String displayName = meta.get("displayName") == null ? null : meta.get("displayName").text();
      YamlNode spec = map(n, "spec", "spec", true);
      if (spec == null) {
        return List.of();
      }
      known(
          spec,
          "spec.",
          Set.of(
              "description",
              "service",
              "indicator",
              "indicatorRef",
              "timeWindow",
              "budgetingMethod",
              "objectives",
              "alertPolicies"));
      String service = text(spec, "service", "spec.service", true);
      String description = spec.get("description") == null ? null : spec.get("description").text();

      String method = text(spec, "budgetingMethod", "spec.budgetingMethod", false);
      if (method != null && !method.equals("Occurrences")) {
        problem(
            spec.get("budgetingMethod"),
            "spec.budgetingMethod",
            "'"
                + method
                + "' is not supported: the engine counts events (Occurrences); time slices are"
                + " not implemented");
      }

      SliSource sli = indicator(spec);
      SloWindow window = timeWindow(spec);
      BurnRatePolicy policy = alertPolicies(spec);

      YamlNode objectives = list(spec, "objectives", "spec.objectives", true);
      List<SloDefinition> out = new ArrayList<>();
      if (objectives == null || objectives.items().isEmpty()) {
        if (objectives != null) {
          problem(objectives, "spec.objectives", "needs at least one objective");
        }
        return out;
      }
      List<YamlNode> items = objectives.items();
      for (int i = 0; i < items.size(); i++) {
        YamlNode o = items.get(i);
        String path = "spec.objectives[" + i + "]";
        if (!o.isMap()) {
          problem(o, path, "expected a mapping");
          continue;
        }
        known(
            o,
            path + ".",
            Set.of(
                "displayName",
                "name",
                "op",
                "value",
                "target",
                "targetPercent",
                "timeSliceTarget",
                "timeSliceWindow",
                "indicator",
                "indicatorRef",
                "compositeWeight"));
        Double target = objectiveTarget(o, path);
        Sli s = sli == null ? null : sli.toSli(o, path, this);
        if (session.problems.size() > before || target == null || s == null || window == null) {
          continue;
        }
        String objName = o.get("name") != null ? o.get("name").text() : null;
        String name =
            items.size() == 1
                ? d.name()
                : d.name() + "-" + (objName != null ? objName : String.valueOf(i));
        try {
          SloDefinitionBuilder b =
              SloDefinition.builder(name)
                  .displayName(displayName)
                  .description(description)
                  .service(service)
                  .sli(s)
                  .objective(target)
                  .window(window)
                  .policy(policy)
                  .labels(labels)
                  .origin(d.file() + ":" + n.line());
          sli.groupBy.forEach(b::groupBy);
          out.add(b.build());
        } catch (IllegalArgumentException | NullPointerException e) {
          problem(o, path, e.getMessage());
        }
      }
      return out;
    }

    Map<String, String> labels(YamlNode meta) {
      Map<String, String> labels = new LinkedHashMap<>();
      YamlNode l = meta.get("labels");
      if (l == null) {
        return labels;
      }
      if (!l.isMap()) {
        problem(l, "metadata.labels", "expected a mapping");
        return labels;
      }
      for (Map.Entry<String, YamlNode> e : l.entries().entrySet()) {
        YamlNode v = e.getValue();
        if (v.isScalar()) {
          labels.put(e.getKey(), v.text());
        } else if (v.isList()) {
          List<String> values = new ArrayList<>();
          v.items().forEach(x -> values.add(x.text()));
          labels.put(e.getKey(), String.join(",", values));
        } else {
          problem(v, "metadata.labels." + e.getKey(), "expected a string or a list of strings");
        }
      }
      return labels;
    }

    Double objectiveTarget(YamlNode o, String path) {
      if (o.get("timeSliceTarget") != null || o.get("timeSliceWindow") != null) {
        problem(
            o,
            path,
            "timeSliceTarget/timeSliceWindow are not supported (budgetingMethod Occurrences only)");
        return null;
      }
      Double target = number(o, "target", path + ".target", false);
      Double percent = number(o, "targetPercent", path + ".targetPercent", false);
      if (target == null && percent == null) {
        if (o.get("target") == null && o.get("targetPercent") == null) {
          problem(o, path + ".target", "missing (target in (0, 1) or targetPercent in (0, 100))");
        }
        return null;
      }
      if (target != null && percent != null) {
        problem(o, path, "give target or targetPercent, not both");
        return null;
      }
      if (target != null) {
        if (!(target > 0 && target < 1)) {
          problem(
              o.get("target"), path + ".target", "must be in (0, 1), e.g. 0.999, got " + target);
          return null;
        }
        return target;
      }
      if (!(percent > 0 && percent < 100)) {
        problem(
            o.get("targetPercent"),
            path + ".targetPercent",
            "must be in (0, 100), e.g. 99.9, got " + percent);
        return null;
      }
      return percent / 100.0;
    }

    SloWindow timeWindow(YamlNode spec) {
      YamlNode tw = list(spec, "timeWindow", "spec.timeWindow", true);
      if (tw == null) {
        return null;
      }
      if (tw.items().size() != 1) {
        problem(tw, "spec.timeWindow", "expected exactly one time window");
        return null;
      }
      YamlNode w = tw.items().get(0);
      String path = "spec.timeWindow[0]";
      if (!w.isMap()) {
        problem(w, path, "expected a mapping");
        return null;
      }
      known(w, path + ".", Set.of("duration", "isRolling", "calendar"));
      String dur = text(w, "duration", path + ".duration", true);
      if (dur == null) {
        return null;
      }
      Matcher m = OPENSLO_DURATION.matcher(dur.trim());
      if (!m.matches()) {
        problem(
            w.get("duration"),
            path + ".duration",
            "cannot parse '"
                + dur
                + "': expected a whole number and a unit s, m, h, d, w, M, Q or Y (e.g. 30d, 1M)");
        return null;
      }
      long count = m.group(1).length() > 6 ? Long.MAX_VALUE : Long.parseLong(m.group(1));
      String unit = m.group(2);
      if (count <= 0 || count > 10_000) {
        problem(w.get("duration"), path + ".duration", "must be between 1 and 10000 units");
        return null;
      }
      String rolling = w.get("isRolling") == null ? "true" : w.get("isRolling").text();
      if (rolling == null || !rolling.equals("true") && !rolling.equals("false")) {
        problem(w.get("isRolling"), path + ".isRolling", "expected true or false");
        return null;
      }
      if (rolling.equals("true")) {
        if ("MQY".contains(unit)) {
          problem(
              w.get("duration"),
              path + ".duration",
              "a rolling window needs a fixed length (s, m, h, d, w); months, quarters and years"
                  + " are calendar windows (isRolling: false)");
          return null;
        }
        return SloWindow.rolling(DurationText.parse(count + unit));
      }
      if ("smh".contains(unit)) {
        problem(
            w.get("duration"),
            path + ".duration",
            "calendar windows are counted in d, w, M, Q or Y, got '" + dur + "'");
        return null;
      }
      YamlNode cal = map(w, "calendar", path + ".calendar", true);
      if (cal == null) {
        return null;
      }
      known(cal, path + ".calendar.", Set.of("startTime", "timeZone"));
      String start = text(cal, "startTime", path + ".calendar.startTime", true);
      String zone = text(cal, "timeZone", path + ".calendar.timeZone", true);
      if (start == null || zone == null) {
        return null;
      }
      LocalDateTime anchor;
      try {
        anchor = LocalDateTime.parse(start.trim(), OPENSLO_START);
      } catch (DateTimeParseException e) {
        problem(
            cal.get("startTime"),
            path + ".calendar.startTime",
            "expected 'yyyy-MM-dd HH:mm:ss', got '" + start + "'");
        return null;
      }
      ZoneId zoneId;
      try {
        zoneId = ZoneId.of(zone.trim());
      } catch (DateTimeException e) {
        problem(
            cal.get("timeZone"), path + ".calendar.timeZone", "unknown time zone '" + zone + "'");
        return null;
      }
      return SloWindow.calendar((int) count, SloWindow.calendarUnit(unit), anchor, zoneId);
    }

    // -------------------------------------------------------------------------------------------
    // Indicators

    SliSource indicator(YamlNode spec) {
      YamlNode inline = spec.get("indicator");
      YamlNode ref = spec.get("indicatorRef");
      if (inline != null && ref != null) {
        problem(spec, "spec.indicator", "give indicator or indicatorRef, not both");
        return null;
      }
      if (inline == null && ref == null) {
        problem(spec, "spec.indicator", "missing: an SLO needs an SLI (indicator or indicatorRef)");
        return null;
      }
      if (ref != null) {
        String name = text(spec, "indicatorRef", "spec.indicatorRef", true);
        if (name == null) {
          return null;
        }
        Doc sli = session.byKindAndName.get("SLI/" + name);
        if (sli == null) {
          problem(ref, "spec.indicatorRef", "no SLI named '" + name + "' in the loaded files");
          return null;
        }
        Where there = new Where(sli.file(), session);
        YamlNode sliSpec = there.map(sli.node(), "spec", "spec", true);
        return sliSpec == null ? null : there.sliSpec(sliSpec, "spec.");
      }
      if (!inline.isMap()) {
        problem(inline, "spec.indicator", "expected a mapping (metadata, spec)");
        return null;
      }
      known(inline, "spec.indicator.", Set.of("metadata", "spec"));
      YamlNode sliSpec = map(inline, "spec", "spec.indicator.spec", true);
      return sliSpec == null ? null : sliSpec(sliSpec, "spec.indicator.spec.");
    }

    SliSource sliSpec(YamlNode s, String path) {
      known(s, path, Set.of("description", "thresholdMetric", "ratioMetric"));
      YamlNode threshold = s.get("thresholdMetric");
      YamlNode ratio = s.get("ratioMetric");
      if ((threshold == null) == (ratio == null)) {
        problem(
            s, path + "ratioMetric", "an SLI needs exactly one of ratioMetric or thresholdMetric");
        return null;
      }
      if (threshold != null) {
        if (!threshold.isMap()) {
          problem(threshold, path + "thresholdMetric", "expected a mapping");
          return null;
        }
        known(threshold, path + "thresholdMetric.", Set.of("metricSource"));
        Source src = source(threshold, path + "thresholdMetric.metricSource");
        if (src == null) {
          return null;
        }
        if (src.signal.equals("logs")) {
          problem(
              threshold.get("metricSource"),
              path + "thresholdMetric.metricSource.spec.signal",
              "a threshold (latency) SLI reads spans or a histogram metric, not logs");
          return null;
        }
        return SliSource.threshold(src);
      }
      if (!ratio.isMap()) {
        problem(ratio, path + "ratioMetric", "expected a mapping");
        return null;
      }
      known(ratio, path + "ratioMetric.", Set.of("counter", "good", "bad", "total", "rawType"));
      if (ratio.get("rawType") != null) {
        problem(ratio.get("rawType"), path + "ratioMetric.rawType", "raw ratios are not supported");
        return null;
      }
      YamlNode good = ratio.get("good");
      YamlNode bad = ratio.get("bad");
      if ((good == null) == (bad == null)) {
        problem(ratio, path + "ratioMetric.good", "give exactly one of good or bad");
        return null;
      }
      String numKey = good != null ? "good" : "bad";
      YamlNode num = map(ratio, numKey, path + "ratioMetric." + numKey, true);
      YamlNode total = map(ratio, "total", path + "ratioMetric.total", true);
      if (num == null || total == null) {
        return null;
      }
      Source n = source(num, path + "ratioMetric." + numKey + ".metricSource");
      Source t = source(total, path + "ratioMetric.total.metricSource");
      if (n == null || t == null) {
        return null;
      }
      if (n.signal.equals("spans") != t.signal.equals("spans")) {
        problem(
            num,
            path + "ratioMetric." + numKey,
            "spans can only be divided by spans (availability); use metrics or logs on both sides"
                + " otherwise");
        return null;
      }
      return SliSource.ratio(n, good != null, t, path + "ratioMetric", num, this);
    }

    Source source(YamlNode holder, String path) {
      YamlNode ms = holder.get("metricSource");
      if (ms == null || !ms.isMap()) {
        problem(holder, path, "missing metricSource (type: signalfold, spec: {signal: ...})");
        return null;
      }
      known(ms, path + ".", Set.of("type", "spec", "metricSourceRef"));
      String type = text(ms, "type", path + ".type", true);
      if (type == null) {
        return null;
      }
      if (!type.equalsIgnoreCase("signalfold")) {
        problem(
            ms.get("type"),
            path + ".type",
            "metric source type '"
                + type
                + "' is not supported: use type: signalfold with spec.signal spans, metrics or"
                + " logs");
        return null;
      }
      YamlNode spec = map(ms, "spec", path + ".spec", true);
      if (spec == null) {
        return null;
      }
      known(
          spec,
          path + ".spec.",
          Set.of(
              "signal",
              "measure",
              "operation",
              "groupBy",
              "metric",
              "service",
              "attributes",
              "le",
              "severities",
              "templateId",
              "template"));
      String signal = text(spec, "signal", path + ".spec.signal", true);
      if (signal == null) {
        return null;
      }
      if (!Set.of("spans", "metrics", "logs").contains(signal)) {
        problem(
            spec.get("signal"),
            path + ".spec.signal",
            "unknown signal '" + signal + "': expected spans, metrics or logs");
        return null;
      }
      Source s = new Source(signal, spec, path + ".spec");
      Set<GroupDimension> groups = EnumSet.noneOf(GroupDimension.class);
      YamlNode gb = spec.get("groupBy");
      if (gb != null) {
        if (!gb.isList()) {
          problem(gb, path + ".spec.groupBy", "expected a list of operation, zone, cell");
        } else {
          for (YamlNode g : gb.items()) {
            try {
              groups.add(GroupDimension.parse(String.valueOf(g.text())));
            } catch (IllegalArgumentException e) {
              problem(g, path + ".spec.groupBy", e.getMessage());
            }
          }
        }
        if (groups.contains(GroupDimension.OPERATION) && !signal.equals("spans")) {
          problem(gb, path + ".spec.groupBy", "operation grouping needs signal: spans");
        }
      }
      s.groupBy.addAll(groups);
      s.operation = spec.get("operation") == null ? null : spec.get("operation").text();
      if (signal.equals("metrics")) {
        s.metric = metricSelector(spec, path + ".spec");
      } else if (signal.equals("logs")) {
        s.logs = logSelector(spec, path + ".spec");
      } else {
        String measure = spec.get("measure") == null ? null : spec.get("measure").text();
        if (measure != null && !Set.of("requests", "errors", "successes").contains(measure)) {
          problem(
              spec.get("measure"),
              path + ".spec.measure",
              "unknown measure '" + measure + "': expected requests, errors or successes");
        }
        s.measure = measure;
      }
      return s;
    }

    SeriesSelector.Metric metricSelector(YamlNode spec, String path) {
      String metric = text(spec, "metric", path + ".metric", true);
      Map<String, String> attrs = new LinkedHashMap<>();
      YamlNode a = spec.get("attributes");
      if (a != null) {
        if (!a.isMap()) {
          problem(a, path + ".attributes", "expected a mapping of attribute to value");
        } else {
          a.entries()
              .forEach(
                  (k, v) -> {
                    if (v == null || v.text() == null) {
                      problem(a, path + ".attributes." + k, "expected a text value");
                    } else {
                      attrs.put(k, v.text());
                    }
                  });
        }
      }
      Double le = spec.get("le") == null ? null : number(spec, "le", path + ".le", false);
      String service = spec.get("service") == null ? null : spec.get("service").text();
      return metric == null ? null : new SeriesSelector.Metric(metric, service, attrs, le);
    }

    SeriesSelector.Logs logSelector(YamlNode spec, String path) {
      Set<Severity> severities = EnumSet.noneOf(Severity.class);
      YamlNode sv = spec.get("severities");
      if (sv != null) {
        if (!sv.isList()) {
          problem(sv, path + ".severities", "expected a list such as [ERROR, FATAL]");
        } else {
          for (YamlNode x : sv.items()) {
            try {
              severities.add(Severity.valueOf(String.valueOf(x.text()).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
              problem(
                  x,
                  path + ".severities",
                  "unknown severity '"
                      + x.text()
                      + "': expected TRACE, DEBUG, INFO, WARN, ERROR"
                      + " or FATAL");
            }
          }
        }
      }
      String service = spec.get("service") == null ? null : spec.get("service").text();
      String templateId = spec.get("templateId") == null ? null : spec.get("templateId").text();
      String template = spec.get("template") == null ? null : spec.get("template").text();
      return new SeriesSelector.Logs(service, severities, templateId, template);
    }

    // -------------------------------------------------------------------------------------------
    // Alert policies

    BurnRatePolicy alertPolicies(YamlNode spec) {
      YamlNode ap = spec.get("alertPolicies");
      if (ap == null) {
        return null;
      }
      if (!ap.isList()) {
        problem(ap, "spec.alertPolicies", "expected a list");
        return null;
      }
      List<BurnRateRule> rules = new ArrayList<>();
      for (int i = 0; i < ap.items().size(); i++) {
        YamlNode item = ap.items().get(i);
        String path = "spec.alertPolicies[" + i + "]";
        if (item.isScalar()) {
          policyRules(item.text(), item, path, rules);
        } else if (item.isMap() && item.get("alertPolicyRef") != null) {
          policyRules(item.get("alertPolicyRef").text(), item, path + ".alertPolicyRef", rules);
        } else if (item.isMap() && item.get("kind") != null) {
          String kind = item.get("kind").text();
          if (!"AlertPolicy".equals(kind)) {
            problem(item.get("kind"), path + ".kind", "expected AlertPolicy, got '" + kind + "'");
            continue;
          }
          YamlNode pspec = map(item, "spec", path + ".spec", true);
          if (pspec != null) {
            conditions(this, pspec, path + ".spec.", rules);
          }
        } else {
          problem(item, path, "expected an AlertPolicy name, alertPolicyRef or inline AlertPolicy");
        }
      }
      if (rules.isEmpty()) {
        return null;
      }
      try {
        return basePolicy.withRules(rules, BurnRatePolicy.WindowScaling.NONE);
      } catch (IllegalArgumentException e) {
        problem(ap, "spec.alertPolicies", e.getMessage());
        return null;
      }
    }

    void policyRules(String name, YamlNode at, String path, List<BurnRateRule> rules) {
      Doc p = session.byKindAndName.get("AlertPolicy/" + name);
      if (p == null) {
        problem(at, path, "no AlertPolicy named '" + name + "' in the loaded files");
        return;
      }
      Where there = new Where(p.file(), session);
      YamlNode pspec = there.map(p.node(), "spec", "spec", true);
      if (pspec != null) {
        conditions(there, pspec, "spec.", rules);
      }
    }

    void conditions(Where w, YamlNode pspec, String path, List<BurnRateRule> rules) {
      YamlNode conds = w.list(pspec, "conditions", path + "conditions", true);
      if (conds == null) {
        return;
      }
      for (int i = 0; i < conds.items().size(); i++) {
        YamlNode c = conds.items().get(i);
        String cpath = path + "conditions[" + i + "]";
        if (!c.isMap()) {
          w.problem(c, cpath, "expected an AlertCondition or conditionRef");
          continue;
        }
        if (c.get("conditionRef") != null) {
          String name = c.get("conditionRef").text();
          Doc cd = session.byKindAndName.get("AlertCondition/" + name);
          if (cd == null) {
            w.problem(
                c.get("conditionRef"),
                cpath + ".conditionRef",
                "no AlertCondition named '" + name + "' in the loaded files");
            continue;
          }
          Where there = new Where(cd.file(), session);
          YamlNode cspec = there.map(cd.node(), "spec", "spec", true);
          BurnRateRule r = cspec == null ? null : there.condition(cspec, "spec.", name);
          if (r != null) {
            rules.add(r);
          }
          continue;
        }
        YamlNode meta = c.get("metadata");
        String given = meta != null && meta.get("name") != null ? meta.get("name").text() : null;
        String name = given != null && !given.isBlank() ? given : "condition-" + i;
        YamlNode cspec = w.map(c, "spec", cpath + ".spec", true);
        BurnRateRule r = cspec == null ? null : w.condition(cspec, cpath + ".spec.", name);
        if (r != null) {
          rules.add(r);
        }
      }
    }

    BurnRateRule condition(YamlNode cspec, String path, String name) {
      known(cspec, path, Set.of("description", "severity", "condition"));
      String sev = text(cspec, "severity", path + "severity", true);
      YamlNode cond = map(cspec, "condition", path + "condition", true);
      if (sev == null || cond == null) {
        return null;
      }
      SloAlertSeverity severity;
      switch (sev.toLowerCase(Locale.ROOT)) {
        case "page":
        case "critical":
        case "high":
          severity = SloAlertSeverity.PAGE;
          break;
        case "ticket":
        case "warning":
        case "medium":
        case "low":
        case "info":
          severity = SloAlertSeverity.TICKET;
          break;
        default:
          problem(
              cspec.get("severity"),
              path + "severity",
              "unknown severity '"
                  + sev
                  + "': expected page (critical, high) or ticket (warning,"
                  + " medium, low, info)");
          return null;
      }
      String cpath = path + "condition.";
      known(
          cond,
          cpath,
          Set.of("kind", "op", "threshold", "lookbackWindow", "alertAfter", "shortWindow"));
      String kind = text(cond, "kind", cpath + "kind", true);
      if (kind != null && !kind.equals("burnrate")) {
        problem(cond.get("kind"), cpath + "kind", "only burnrate conditions are supported");
        return null;
      }
      String op = text(cond, "op", cpath + "op", true);
      if (op != null && !op.equals("gt") && !op.equals("gte")) {
        problem(cond.get("op"), cpath + "op", "a burn-rate alert fires above a threshold: gt");
        return null;
      }
      Double threshold = number(cond, "threshold", cpath + "threshold", true);
      if (threshold != null && !(threshold > 0)) {
        problem(cond.get("threshold"), cpath + "threshold", "must be positive, got " + threshold);
        return null;
      }
      Duration lookback = duration(cond, "lookbackWindow", cpath + "lookbackWindow", true);
      Duration alertAfter = duration(cond, "alertAfter", cpath + "alertAfter", false);
      Duration shortWindow = duration(cond, "shortWindow", cpath + "shortWindow", false);
      if (kind == null || op == null || threshold == null || lookback == null) {
        return null;
      }
      Duration shortW = shortWindow != null ? shortWindow : lookback.dividedBy(12);
      if (shortW.compareTo(lookback) > 0) {
        problem(cond.get("shortWindow"), cpath + "shortWindow", "must not exceed lookbackWindow");
        return null;
      }
      return new BurnRateRule(
          name,
          severity,
          lookback,
          shortW,
          threshold,
          alertAfter == null ? Duration.ZERO : alertAfter);
    }
  }

  /** One side of an SLI as written: signal plus the selector parts. */
  private static final class Source {
    final String signal;
    final YamlNode node;
    final String path;
    final Set<GroupDimension> groupBy = EnumSet.noneOf(GroupDimension.class);
    String operation;
    String measure;
    SeriesSelector.Metric metric;
    SeriesSelector.Logs logs;

    Source(String signal, YamlNode node, String path) {
      this.signal = signal;
      this.node = node;
      this.path = path;
    }

    SeriesSelector selector() {
      return metric != null ? metric : logs;
    }
  }

  /** An SLI before its objective is known (latency needs the objective's value). */
  private static final class SliSource {
    final Source threshold;
    final Source numerator;
    final boolean numeratorIsGood;
    final Source total;
    final Set<GroupDimension> groupBy = EnumSet.noneOf(GroupDimension.class);

    private SliSource(Source threshold, Source numerator, boolean good, Source total) {
      this.threshold = threshold;
      this.numerator = numerator;
      this.numeratorIsGood = good;
      this.total = total;
    }

    static SliSource threshold(Source s) {
      SliSource x = new SliSource(s, null, false, null);
      x.groupBy.addAll(s.groupBy);
      return x;
    }

    static SliSource ratio(
        Source num, boolean good, Source total, String path, YamlNode at, Where w) {
      SliSource x = new SliSource(null, num, good, total);
      x.groupBy.addAll(total.groupBy);
      x.groupBy.addAll(num.groupBy);
      if (num.signal.equals("spans")) {
        String expected = good ? "successes" : "errors";
        String m = num.measure == null ? expected : num.measure;
        if (!m.equals(expected)) {
          w.problem(
              num.node.get("measure"),
              num.path + ".measure",
              "the " + (good ? "good" : "bad") + " side of a spans ratio counts " + expected);
          return null;
        }
        if (total.measure != null && !total.measure.equals("requests")) {
          w.problem(
              total.node.get("measure"), total.path + ".measure", "the total side counts requests");
          return null;
        }
        String op1 = num.operation;
        String op2 = total.operation;
        if (op1 != null && op2 != null && !op1.equals(op2)) {
          w.problem(at, path, "good/bad and total must select the same operation");
          return null;
        }
      }
      return x;
    }

    Sli toSli(YamlNode objective, String path, Where w) {
      if (threshold != null) {
        String op = objective.get("op") == null ? null : objective.get("op").text();
        Double value = w.number(objective, "value", path + ".value", true);
        if (op == null) {
          w.problem(objective, path + ".op", "missing: a thresholdMetric objective needs op: lte");
          return null;
        }
        if (!op.equals("lte") && !op.equals("lt")) {
          w.problem(
              objective.get("op"),
              path + ".op",
              "a latency objective counts requests at or under the value: use lte");
          return null;
        }
        if (value == null) {
          return null;
        }
        if (!(value > 0)) {
          w.problem(objective.get("value"), path + ".value", "must be positive milliseconds");
          return null;
        }
        return new Sli.Latency(value, threshold.operation, threshold.metric);
      }
      if (objective.get("op") != null || objective.get("value") != null) {
        w.problem(objective, path + ".op", "op/value apply to thresholdMetric SLIs only");
        return null;
      }
      if (numerator.signal.equals("spans")) {
        return new Sli.Availability(
            numerator.operation != null ? numerator.operation : total.operation);
      }
      if (numerator.selector() == null || total.selector() == null) {
        return null;
      }
      return new Sli.Ratio(numerator.selector(), numeratorIsGood, total.selector());
    }
  }
}
