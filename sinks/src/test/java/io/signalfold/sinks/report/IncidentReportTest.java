package io.signalfold.sinks.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class IncidentReportTest {

  private final IncidentReport report = IncidentReport.create(Redactor.defaults());

  static IncidentCandidate withSummary(IncidentCandidate c, String fallbackReason) {
    c.setSummary(
        IncidentSummary.newBuilder()
            .setCandidateId(c.getId())
            .setCandidateVersion(c.getVersion())
            .setGenerator("deterministic")
            .setCreatedAtMs(c.getUpdatedAtMs())
            .setTitle(c.getTitle())
            .setSentences(
                List.of(
                    SummarySentence.newBuilder()
                        .setText(
                            "Most likely cause: the deploy of botforge 2.4.1 (change chg-7c1e).")
                        .setCitations(List.of("chg-7c1e", "an-3f9a"))
                        .build(),
                    SummarySentence.newBuilder()
                        .setText("gateway GET /bots failed 15.5% of 52000 requests.")
                        .setCitations(List.of("an-8c44"))
                        .build()))
            .setReport(
                c.getResolvedAtMs() == null
                    ? null
                    : "# Post-incident report draft: x\n\n## Five whys\n\n1. Why did users see errors? Because gateway failed. [an-8c44]\n")
            .setFallbackReason(fallbackReason)
            .build());
    return c;
  }

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void htmlIsWellFormedSelfContainedAndCarriesTheEvidence() throws Exception {
    IncidentCandidate c = withSummary(Candidates.badDeployResolved(), null);
    String html = report.html(c);
    Document doc = parse(html);

    assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(c.getTitle());
    assertThat(text(doc, "section", "summary"))
        .contains("the deploy of botforge 2.4.1 (change chg-7c1e)");
    // Charts: timeline, two evidence series (error rate, SLO budget), one budget bar.
    NodeList svgs = doc.getElementsByTagName("svg");
    assertThat(svgs.getLength()).isEqualTo(4);
    assertThat(doc.getElementsByTagName("polygon").getLength()).as("bands").isEqualTo(2);
    assertThat(html)
        .contains("class=\"marker change\"")
        .contains("deploy botforge 2.4.1")
        .contains("rollback botforge 2.4.0");
    assertThat(html).contains("of the error budget left").contains("62% of the error budget left");
    assertThat(html).contains("correlation in time, not proof of cause");
    assertThat(text(doc, "section", "post-incident")).contains("Why did users see errors?");

    // Self-contained: no script, no external stylesheet, image, frame or URL.
    for (String tag : List.of("script", "link", "img", "iframe", "object", "embed")) {
      assertThat(doc.getElementsByTagName(tag).getLength()).as(tag).isZero();
    }
    assertThat(html)
        .doesNotContain("src=")
        .doesNotContain("url(")
        .doesNotContain("@import")
        .doesNotContain("http:")
        .doesNotContain("https:");
    // Every internal link lands on an element of the page.
    Set<String> ids = new HashSet<>();
    collectIds(doc.getDocumentElement(), ids);
    NodeList links = doc.getElementsByTagName("a");
    assertThat(links.getLength()).isGreaterThan(3);
    for (int i = 0; i < links.getLength(); i++) {
      String href = ((Element) links.item(i)).getAttribute("href");
      assertThat(href).startsWith("#");
      assertThat(ids).as(href).contains(href.substring(1));
    }
  }

  @Test
  void telemetryTextIsEscapedAndRedacted() throws Exception {
    IncidentCandidate c =
        withSummary(
            Candidates.badDeployOpen(), "llm-pending: the LLM summary follows as an update");
    c.getHypotheses()
        .get(0)
        .getEvidence()
        .get(2)
        .setLogTemplate("<script>alert('x')</script> token for jane@example.com password=hunter2x");
    c.setTitle("botforge </title><script>alert(1)</script>");
    String html = report.html(c);
    Document doc = parse(html);
    assertThat(doc.getElementsByTagName("script").getLength()).isZero();
    assertThat(html)
        .contains("&lt;script&gt;")
        .doesNotContain("jane@example.com")
        .doesNotContain("hunter2x");
    assertThat(html).contains("an LLM summary may follow");
    String md = report.markdown(c);
    assertThat(md)
        .doesNotContain("jane@example.com")
        .doesNotContain("hunter2x")
        .contains("\\<script\\>");
  }

  /**
   * The summarizer's draft escapes markup in telemetry text for Markdown; the HTML report shows
   * that text as it was (no backslashes) and HTML-escaped.
   */
  @Test
  void theDraftsMarkdownEscapesBecomeEscapedHtml() throws Exception {
    IncidentCandidate c = withSummary(Candidates.badDeployResolved(), null);
    c.getSummary()
        .setReport(
            "# Post-incident report draft: x\n\n## Timeline (UTC)\n\n"
                + "- 00:30:00 UTC: \"deploy \\<b\\>bold\\</b\\> \\| max\\_size\". [an-8c44]\n");
    String html = report.html(c);
    parse(html);
    assertThat(html)
        .contains("deploy &lt;b&gt;bold&lt;/b&gt; | max_size")
        .doesNotContain("\\&lt;", "<b>bold");
  }

  @Test
  void markdownHasTheSections() {
    String md = report.markdown(withSummary(Candidates.throttlingResolved(), null));
    assertThat(md)
        .startsWith("# orders-table throttling order-api writes")
        .contains("## Summary", "## Impact", "## Hypotheses", "## Timeline (UTC)", "## Gaps")
        .contains("| web-frontend | POST /checkout | 40000 | 8000 | 20.0% | 0.3% |")
        .contains("640 distinct `customer.id`")
        .contains("direct evidence")
        .contains("## Five whys");
    assertThat(md).containsPattern("series [\u2581-\u2588]{10,}");
  }

  @Test
  void writerKeepsTheLatestVersion(@TempDir Path dir) throws Exception {
    ReportWriter w = ReportWriter.create(dir, Redactor.defaults());
    IncidentCandidate v3 = withSummary(Candidates.badDeployUpdated(), null);
    assertThat(w.write(v3)).isTrue();
    Path html = dir.resolve("reports").resolve(Candidates.DEPLOY_ID + ".html");
    Path md = dir.resolve("reports").resolve(Candidates.DEPLOY_ID + ".md");
    assertThat(html).exists();
    assertThat(md).exists();
    assertThat(w.htmlPath(Candidates.DEPLOY_ID)).isEqualTo(html);

    IncidentCandidate v1 = withSummary(Candidates.badDeployOpen(), null);
    assertThat(w.write(v1)).as("older version").isFalse();
    assertThat(Files.readString(html)).contains("version 3");

    IncidentCandidate v3provisional = withSummary(Candidates.badDeployUpdated(), "llm-pending: x");
    assertThat(w.write(v3provisional)).as("provisional twin of a final").isFalse();

    IncidentCandidate v7 = withSummary(Candidates.badDeployResolved(), null);
    assertThat(ReportWriter.create(dir, Redactor.defaults()).write(v7))
        .as("a fresh writer reads the disk")
        .isTrue();
    assertThat(Files.readString(html)).contains("version 7");
    parse(Files.readString(html));
    assertThat(ReportWriter.fileName("../../etc/passwd")).isEqualTo("_.._.._etc_passwd");
  }

  private static String text(Document doc, String tag, String id) {
    NodeList nodes = doc.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (id.equals(e.getAttribute("id"))) {
        return e.getTextContent();
      }
    }
    throw new AssertionError("no " + tag + "#" + id);
  }

  private static void collectIds(Element e, Set<String> ids) {
    if (e.hasAttribute("id")) {
      ids.add(e.getAttribute("id"));
    }
    NodeList kids = e.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (kids.item(i) instanceof Element) {
        collectIds((Element) kids.item(i), ids);
      }
    }
  }
}
