package dev.distillery.leaderboards.web;

import dev.distillery.leaderboards.ChartOptions;
import dev.distillery.leaderboards.LeaderboardRow;
import dev.distillery.leaderboards.PublicBoardService;
import dev.distillery.leaderboards.PublicPage;
import dev.distillery.shared.NotFoundException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.json.JsonMapper;

/**
 * A published board as a plain HTML page: no sign-in, no UI session, nothing but the board. Browsers and proxies
 * may keep it but must revalidate (ETag), so an unpublished board is gone on the next visit.
 */
@Controller
class PublicPageController {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final PublicBoardService boards;
    private final JsonMapper json;

    PublicPageController(PublicBoardService boards, JsonMapper json) {
        this.boards = boards;
        this.json = json;
    }

    @GetMapping("/p/{workspace}/{board}")
    @Nullable
    ModelAndView page(@PathVariable String workspace, @PathVariable String board, WebRequest request,
            jakarta.servlet.http.HttpServletResponse response) {
        PublicPage page = boards.page(workspace, board)
                .orElseThrow(() -> new NotFoundException("There is no published board at this address."));
        response.setHeader("Cache-Control", CacheControl.noCache().cachePublic().getHeaderValue());
        response.setHeader("X-Robots-Tag", "noarchive");
        if (request.checkNotModified('"' + page.version() + '"')) {
            return null;
        }
        return new ModelAndView("public-board", Map.of("page", page,
                "rows", page.rows().stream().map(PublicPageController::row).toList(),
                "chart", json.writeValueAsString(ChartOptions.accuracy(page.rows())),
                "script", "/webjars/echarts/5.3.1/dist/echarts.min.js"));
    }

    /** A row as the page prints it. */
    record RowView(String result, String method, String teacher, String student, int n, String accuracy,
            String interval, String baseline, String gain, String p, String corrected, String cost, String date,
            boolean imported) {
    }

    static RowView row(LeaderboardRow r) {
        String gain = r.gainPoints() == null ? (r.baseline() ? "baseline" : "—")
                : String.format(Locale.ROOT, "%+.1f pts%s", r.gainPoints(),
                        r.gainRelative() == null ? "" : String.format(Locale.ROOT, " (%+.0f%%)", 100 * r.gainRelative()));
        String corrected = r.corrected() == null ? "" : String.format(Locale.ROOT, "%.1f%% (%d corrected)",
                100 * r.corrected().accuracy(), r.corrected().items());
        return new RowView(r.runName(), r.method() + " / " + r.preset(), r.teacher() == null ? "" : r.teacher(),
                r.student() == null ? "" : r.student(), r.n(), String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy()),
                String.format(Locale.ROOT, "%.1f–%.1f", 100 * r.ciLow(), 100 * r.ciHigh()),
                r.baselineAccuracy() == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * r.baselineAccuracy()),
                gain, r.pValue() == null ? "" : pValue(r.pValue()), corrected,
                String.format(Locale.ROOT, "$%.4f", r.cost()), DATE.format(r.finishedAt()), r.imported());
    }

    static String pValue(double p) {
        return p < 0.0001 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }
}
