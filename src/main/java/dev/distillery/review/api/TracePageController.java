package dev.distillery.review.api;

import dev.distillery.review.ReviewFilter;
import dev.distillery.review.TracePageService;
import dev.distillery.runs.Trace;
import dev.distillery.runs.TracePage;
import dev.distillery.runs.TraceQuery;
import dev.distillery.shared.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A run's traces a page at a time. Here rather than with the run's other routes because it filters and sorts as the
 * review grid does (review states, edited traces, text, reviewer), and runs must not know review.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Runs")
@SecurityRequirement(name = "apiKey")
class TracePageController {

    private final TracePageService pages;

    TracePageController(TracePageService pages) {
        this.pages = pages;
    }

    @GetMapping("/runs/{id}/traces")
    @Operation(
            summary = "Traces: every call's prompt and output per role, extracted answer, verdict; by cursor or page",
            description = "Filters, by the review grid's names where it has them: outcome=correct|incorrect|error|"
                    + "pending on the verdict (verdict= is the same filter by the grid's name, and correct=true|false "
                    + "too; giving two that differ is a 400 naming verdict), state=unreviewed|reviewed|overridden "
                    + "(where the trace is in review), edited=true (its teacher trace was corrected), q=text in the "
                    + "question or the graded outputs, any case (through the search index once the run has completed; "
                    + "a run still running is scanned, which is slower). sort=item|verdict|tokens|reviewer and "
                    + "dir=asc|desc order them as the grid does, ties in item order (default: item order; by reviewer, "
                    + "traces nobody reviewed come after every reviewer going up and before them going down). size: 1 "
                    + "to 500 (default 50). Each item is the run's trace, the same whatever the filters.\n\n"
                    + "Cursor pages (recommended for reading a whole run): ask without after, then pass each answer's "
                    + "next as after=, with the same filters, sort and dir, until next is null. The cursor is opaque; it "
                    + "resumes the order where the last page ended, so every page costs the same however deep, and an "
                    + "item is never repeated or skipped by the walk. total is the query's count, on every page once it "
                    + "is known: counted once per query while the run is settled (a review saved counts review "
                    + "filters again), on the first page for a run of up to 10,000 items, and in the background for "
                    + "a larger one, so no page waits for it; until then total is null (ask for the first page again, "
                    + "or read it from a later page). A cursor of another sort or dir is a 400 naming after.\n\n"
                    + "Offset pages (kept for existing clients): page=N without after, filtered by the verdict only and "
                    + "sorted by item, verdict or tokens; total is given on every page, counted once per filter while "
                    + "the run's items do not change (a finished run that is not being re-graded), not for every page. "
                    + "page=N with state, edited, q or sort=reviewer is a 400 naming page: page those by cursor. page=0 "
                    + "is the cursor walk's first page, with its next. Any other value that does not fit is a 400 "
                    + "naming its parameter.")
    TracePageJson traces(
            @PathVariable UUID id,
            @RequestParam(required = false) @Nullable Integer page,
            @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) @Nullable Boolean correct,
            @RequestParam(required = false) @Nullable String outcome,
            @RequestParam(required = false) @Nullable String verdict,
            @RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String edited,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(required = false) @Nullable String sort,
            @RequestParam(required = false) @Nullable String dir,
            @RequestParam(required = false) @Nullable String after) {
        ReviewFilter filter = ReviewFilter.of(verdict(outcome, verdict, correct), state, edited, q)
                .sorted(ReviewFilter.Sort.of(sort), descending(dir));
        int clamped = Math.clamp(size, 1, 500);
        if (page != null && page > 0) {
            if (after != null) {
                throw new InvalidInputException("after", "Use either page or after, not both.");
            }
            TracePage offsetPage = pages.offsetPage(id, filter, page * clamped, clamped);
            return new TracePageJson(offsetPage.items(), null, offsetPage.total(), page, clamped);
        }
        TracePage cursorPage = pages.cursorPage(id, filter, after, clamped);
        return new TracePageJson(
                cursorPage.items(),
                cursorPage.next(),
                cursorPage.total(),
                after == null || after.isBlank() ? 0 : null,
                clamped);
    }

    /** The verdict asked for by the list's name (outcome, or correct) or the grid's (verdict). */
    private static @Nullable String verdict(
            @Nullable String outcome, @Nullable String verdict, @Nullable Boolean correct) {
        String asOutcome = outcome != null && !outcome.isBlank()
                ? TraceQuery.outcome(outcome).outcome()
                : correct == null ? null : correct ? "correct" : "incorrect";
        ReviewFilter.Verdict asVerdict = ReviewFilter.Verdict.of(verdict);
        if (asOutcome == null) {
            return verdict;
        }
        if (asVerdict != null && !asVerdict.name().equalsIgnoreCase(asOutcome)) {
            throw new InvalidInputException(
                    "verdict", "outcome and verdict are the same filter: give one, or the same value to both.");
        }
        return asOutcome;
    }

    private static boolean descending(@Nullable String dir) {
        if (dir == null || dir.isBlank() || dir.strip().equalsIgnoreCase("asc")) {
            return false;
        }
        if (dir.strip().equalsIgnoreCase("desc")) {
            return true;
        }
        throw new InvalidInputException("dir", "Order asc or desc, not '" + dir + "'.");
    }

    /**
     * @param next the cursor of the next page (pass it as after), null on the last page
     * @param total the query's count, null while a large run's count is not known yet (and on a running run's cursor
     *     pages after the first)
     * @param page the offset page's number; 0 for a first page, null for a cursor page after it
     */
    record TracePageJson(
            List<Trace> items,
            @Nullable String next,
            @Nullable Integer total,
            @Nullable Integer page,
            int size) {}
}
