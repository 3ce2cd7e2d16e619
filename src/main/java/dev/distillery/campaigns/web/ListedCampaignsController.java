package dev.distillery.campaigns.web;

import dev.distillery.campaigns.ContributorService;
import dev.distillery.campaigns.ListedCampaign;
import dev.distillery.shared.text.Markdown;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.util.UriUtils;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * A workspace's public page: the campaigns it lists, open to anyone with an account, each with its instructions and
 * a join link. A workspace that lists none has no public page here.
 */
@Controller
class ListedCampaignsController {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final ContributorService contributors;
    private final ITemplateEngine templates;

    ListedCampaignsController(ContributorService contributors, ITemplateEngine templates) {
        this.contributors = contributors;
        this.templates = templates;
    }

    /** A listed campaign as the page prints it; the instructions are safe HTML from Markdown. */
    record Entry(String title, String instructionsHtml, String ends, String joinPath) {}

    @GetMapping(value = "/p/{workspace}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String workspace) {
        List<ListedCampaign> listed = contributors.listed(workspace);
        if (listed.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .cacheControl(CacheControl.noStore())
                    .contentType(HTML)
                    .body(templates.process("public-campaigns-missing", new Context(Locale.ROOT)));
        }
        List<Entry> entries = listed.stream()
                .map(c -> new Entry(
                        c.title(),
                        Markdown.html(c.instructions()),
                        c.endsAt() == null ? "" : DATE.format(c.endsAt()),
                        "/join/" + UriUtils.encodePathSegment(c.joinToken(), StandardCharsets.UTF_8)))
                .toList();
        String html = templates.process(
                "public-campaigns",
                new Context(Locale.ROOT, Map.of("workspace", listed.getFirst().workspace(), "campaigns", entries)));
        // Listings change as campaigns open and close: kept by nobody.
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .header("X-Robots-Tag", "noarchive")
                .contentType(HTML)
                .body(html);
    }
}
