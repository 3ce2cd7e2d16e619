package dev.distillery.leaderboards.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.distillery.leaderboards.ChartOptions;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.leaderboards.PublicPage;
import dev.distillery.shared.text.Markdown;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.context.request.WebRequest;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * A published board as a plain HTML page: no sign-in, no UI session, nothing but the board. Browsers and proxies
 * may keep it but must revalidate (ETag), so an unpublished board is gone on the next visit.
 */
@Controller
class PublicPageController {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final CacheControl CACHE = CacheControl.noCache().cachePublic();
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    /** The bundle the app's own charts load too (shared.ui.EChart), served from its jar. */
    private static final String ECHARTS = "/_static/echarts/6.0.0/dist/echarts.min.js";

    private final PublicBoardService boards;
    private final JsonMapper json;
    private final ITemplateEngine templates;
    private final Cache<String, String> rendered = Caffeine.newBuilder()
            .maximumSize(200)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    PublicPageController(PublicBoardService boards, JsonMapper json, ITemplateEngine templates) {
        this.boards = boards;
        this.json = json;
        this.templates = templates;
    }

    @GetMapping(value = "/p/{workspace}/{board}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String workspace, @PathVariable String board, WebRequest request) {
        Optional<PublicPage> found = boards.page(workspace, board);
        if (found.isEmpty()) {
            // A reader followed a link: answer in a page, not in an API problem.
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .cacheControl(CacheControl.noStore())
                    .contentType(HTML)
                    .body(templates.process("public-missing", new Context(Locale.ROOT)));
        }
        PublicPage page = found.get();
        String etag = '"' + page.version() + '"';
        if (request.checkNotModified(etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag)
                    .cacheControl(CACHE)
                    .build();
        }
        // Rendered once per version of the page: many readers of one board cost one template run.
        String html = rendered.get(
                page.version(),
                version -> templates.process(
                        "public-board",
                        new Context(
                                Locale.ROOT,
                                Map.of(
                                        "page",
                                        page,
                                        "rows",
                                        page.rows().stream()
                                                .map(PublicPageController::row)
                                                .toList(),
                                        "traces",
                                        page.traces().stream()
                                                .map(PublicPageController::trace)
                                                .toList(),
                                        "chart",
                                        json.writeValueAsString(ChartOptions.accuracy(page.rows())),
                                        "script",
                                        ECHARTS))));
        return ResponseEntity.ok()
                .eTag(etag)
                .cacheControl(CACHE)
                .header("X-Robots-Tag", "noarchive")
                .contentType(HTML)
                .body(html);
    }

    /** A row as the page prints it. */
    record RowView(
            String result,
            String method,
            String teacher,
            String student,
            int n,
            String accuracy,
            String interval,
            String baseline,
            String gain,
            String p,
            String corrected,
            String cost,
            String date,
            boolean imported) {}

    static RowView row(LeaderboardRow r) {
        String gain = r.gainPoints() == null
                ? (r.baseline() ? "baseline" : "—")
                : String.format(
                        Locale.ROOT,
                        "%+.1f pts%s",
                        r.gainPoints(),
                        r.gainRelative() == null
                                ? ""
                                : String.format(Locale.ROOT, " (%+.0f%%)", 100 * r.gainRelative()));
        String corrected = r.corrected() == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        "%.1f%% (%d corrected)",
                        100 * r.corrected().accuracy(),
                        r.corrected().items());
        return new RowView(
                r.runName(),
                r.method() + " / " + r.preset(),
                r.teacher() == null ? "" : r.teacher(),
                r.student() == null ? "" : r.student(),
                r.n(),
                String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy()),
                String.format(Locale.ROOT, "%.1f–%.1f", 100 * r.ciLow(), 100 * r.ciHigh()),
                r.baselineAccuracy() == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * r.baselineAccuracy()),
                gain,
                r.pValue() == null ? "" : pValue(r.pValue()),
                corrected,
                String.format(Locale.ROOT, "$%.4f", r.cost()),
                DATE.format(r.finishedAt()),
                r.imported());
    }

    /**
     * A sample trace as the page prints it: each model text as safe HTML (Markdown with its math left for MathJax,
     * anything a model wrote escaped: see shared.text.Markdown) beside its raw text.
     */
    record TraceView(
            String itemId,
            boolean correct,
            String question,
            String questionHtml,
            @Nullable String teacherSteps,
            @Nullable String teacherStepsHtml,
            String studentOutput,
            String studentOutputHtml,
            @Nullable String extracted,
            String gold) {}

    static TraceView trace(PublicPage.SampleTrace t) {
        String output = t.studentOutput();
        String extracted = t.extracted();
        int at = extracted == null || extracted.isEmpty() ? -1 : output.lastIndexOf(extracted);
        Markdown.Range answer = extracted == null || at < 0 ? null : new Markdown.Range(at, at + extracted.length());
        return new TraceView(
                t.itemId(),
                t.correct(),
                t.question(),
                Markdown.html(t.question()),
                t.teacherSteps(),
                t.teacherSteps() == null ? null : Markdown.html(t.teacherSteps()),
                output,
                Markdown.html(output, answer),
                t.extracted(),
                t.gold());
    }

    static String pValue(double p) {
        return p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }
}
