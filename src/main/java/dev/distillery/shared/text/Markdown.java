package dev.distillery.shared.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.CustomNode;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;
import org.commonmark.renderer.html.UrlSanitizer;
import org.jspecify.annotations.Nullable;

/**
 * Model text (questions, teachers' steps, students' outputs) as HTML that is safe to put in a page, for the app's
 * views ({@code shared.ui.ModelText}) and the public pages alike.
 * <ul>
 * <li>Markdown by CommonMark with GFM tables; a line break in the text is a line break on the page, as models mean it.
 * <li>Raw HTML is never passed through: a {@code <script>} or {@code <img onerror>} in a model's output is escaped and
 * shown as text. Links go only to http, https and mailto addresses and open apart with no referrer; images are shown
 * as links, so a page never loads what a model named. Headings start at level 4, below the page's own.
 * <li>LaTeX math ({@code $…$}, {@code $$…$$}, {@code \(…\)}, {@code \[…\]}, found by {@link MathSpans}) is taken out
 * before Markdown reads the text and put back exactly as written, delimiters included, in
 * {@code <span class="math math-inline">} or {@code math-display}, for MathJax to typeset in the browser; Markdown
 * never sees its underscores, asterisks or backslashes.
 * <li>An answer to mark (what the grader read) is wrapped in {@code <mark class="extracted">}, widened to the whole
 * formula when it lies inside one; left unmarked if Markdown splits it across elements.
 * </ul>
 */
public final class Markdown {

    // Private-use characters stand for math and the mark while Markdown parses; taken out of the user's text first.
    private static final char MATH_OPEN = '\uE000';
    private static final char MATH_CLOSE = '\uE001';
    private static final char MARK_OPEN = '\uE002';
    private static final char MARK_CLOSE = '\uE003';
    private static final Set<String> SCHEMES = Set.of("http", "https", "mailto");
    private static final String LINK_REL = "nofollow noopener noreferrer";

    private static final Parser PARSER =
            Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .extensions(List.of(TablesExtension.create()))
            .escapeHtml(true)
            .sanitizeUrls(true)
            .urlSanitizer(new DefaultUrlSanitizer(SCHEMES))
            .softbreak("<br />\n")
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", LINK_REL);
                    attributes.put("target", "_blank");
                }
            })
            .nodeRendererFactory(ModelNodes::new)
            .build();

    private Markdown() {}

    /** A stretch of the text, {@code [start, end)}. */
    public record Range(int start, int end) {}

    /** The text as safe HTML (a sequence of block elements, no wrapper). */
    public static String html(String text) {
        return html(text, null);
    }

    /** The text as safe HTML with {@code marked} (a range of {@code text}, or null for none) in a mark element. */
    public static String html(String text, @Nullable Range marked) {
        // The placeholder characters may not come from the text; the rendered view shows a replacement character.
        String clean = text.replaceAll("[\uE000-\uE003]", "\uFFFD");
        List<MathSpans.Math> maths = MathSpans.find(clean);
        Range mark = marked == null ? null : widened(marked, maths, clean.length());
        StringBuilder source = new StringBuilder(clean.length() + 16);
        int i = 0;
        int k = 0;
        while (true) {
            if (mark != null && i == mark.end()) {
                source.append(MARK_CLOSE);
            }
            if (mark != null && i == mark.start()) {
                source.append(MARK_OPEN);
            }
            if (i >= clean.length()) {
                break;
            }
            if (k < maths.size() && maths.get(k).start() == i) {
                source.append(MATH_OPEN).append(k).append(MATH_CLOSE);
                i = maths.get(k).end();
                k++;
            } else {
                source.append(clean.charAt(i));
                i++;
            }
        }
        Node document = PARSER.parse(source.toString());
        document.accept(new Restore(clean, maths));
        return RENDERER.render(document);
    }

    /** The mark covering whole formulas where it touches them; null when out of the text or empty. */
    private static @Nullable Range widened(Range mark, List<MathSpans.Math> maths, int length) {
        if (mark.start() < 0 || mark.end() > length || mark.start() >= mark.end()) {
            return null;
        }
        int start = mark.start();
        int end = mark.end();
        for (MathSpans.Math math : maths) {
            if (math.start() < end && start < math.end()) {
                start = Math.min(start, math.start());
                end = Math.max(end, math.end());
            }
        }
        return new Range(start, end);
    }

    /** Puts the math back: as math nodes in text, as it was written everywhere else (code, link targets, raw HTML). */
    private static final class Restore extends AbstractVisitor {

        private final String text;
        private final List<MathSpans.Math> maths;

        Restore(String text, List<MathSpans.Math> maths) {
            this.text = text;
            this.maths = maths;
        }

        @Override
        public void visit(Text node) {
            String literal = node.getLiteral();
            int open = literal.indexOf(MARK_OPEN);
            int close = literal.indexOf(MARK_CLOSE);
            List<Node> pieces = new ArrayList<>();
            if (open >= 0 && close > open) {
                pieces.addAll(pieces(literal.substring(0, open)));
                MarkNode mark = new MarkNode();
                pieces(literal.substring(open + 1, close)).forEach(mark::appendChild);
                pieces.add(mark);
                pieces.addAll(pieces(literal.substring(close + 1)));
            } else {
                pieces.addAll(pieces(literal));
            }
            pieces.forEach(node::insertBefore);
            node.unlink();
        }

        /** Text and math nodes for a stretch of a text node's literal, marks taken out. */
        private List<Node> pieces(String literal) {
            List<Node> out = new ArrayList<>();
            StringBuilder plain = new StringBuilder();
            int i = 0;
            while (i < literal.length()) {
                char c = literal.charAt(i);
                int close = c == MATH_OPEN ? literal.indexOf(MATH_CLOSE, i) : -1;
                if (close > i) {
                    if (!plain.isEmpty()) {
                        out.add(new Text(plain.toString()));
                        plain.setLength(0);
                    }
                    MathSpans.Math math = maths.get(Integer.parseInt(literal, i + 1, close, 10));
                    out.add(new MathNode(text.substring(math.start(), math.end()), math.display()));
                    i = close + 1;
                } else {
                    if (c != MARK_OPEN && c != MARK_CLOSE) {
                        plain.append(c);
                    }
                    i++;
                }
            }
            if (!plain.isEmpty()) {
                out.add(new Text(plain.toString()));
            }
            return out;
        }

        /** A literal with the math as written and the marks dropped. */
        private String restored(@Nullable String literal) {
            if (literal == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < literal.length()) {
                char c = literal.charAt(i);
                int close = c == MATH_OPEN ? literal.indexOf(MATH_CLOSE, i) : -1;
                if (close > i) {
                    MathSpans.Math math = maths.get(Integer.parseInt(literal, i + 1, close, 10));
                    out.append(text, math.start(), math.end());
                    i = close + 1;
                } else {
                    if (c != MARK_OPEN && c != MARK_CLOSE) {
                        out.append(c);
                    }
                    i++;
                }
            }
            return out.toString();
        }

        @Override
        public void visit(Code node) {
            node.setLiteral(restored(node.getLiteral()));
        }

        @Override
        public void visit(FencedCodeBlock node) {
            node.setLiteral(restored(node.getLiteral()));
            node.setInfo(restored(node.getInfo()));
        }

        @Override
        public void visit(IndentedCodeBlock node) {
            node.setLiteral(restored(node.getLiteral()));
        }

        @Override
        public void visit(HtmlInline node) {
            node.setLiteral(restored(node.getLiteral()));
        }

        @Override
        public void visit(HtmlBlock node) {
            node.setLiteral(restored(node.getLiteral()));
        }

        @Override
        public void visit(Link node) {
            node.setDestination(restored(node.getDestination()));
            node.setTitle(node.getTitle() == null ? null : restored(node.getTitle()));
            visitChildren(node);
        }

        @Override
        public void visit(Image node) {
            node.setDestination(restored(node.getDestination()));
            node.setTitle(node.getTitle() == null ? null : restored(node.getTitle()));
            visitChildren(node);
        }
    }

    /** LaTeX exactly as written, delimiters included. */
    static final class MathNode extends CustomNode {
        final String tex;
        final boolean display;

        MathNode(String tex, boolean display) {
            this.tex = tex;
            this.display = display;
        }
    }

    /** The answer the grader read. */
    static final class MarkNode extends CustomNode {}

    /** Renders math, marks, images (as links) and headings (from level 4). */
    private static final class ModelNodes implements NodeRenderer {

        private final HtmlNodeRendererContext context;
        private final HtmlWriter html;
        private final UrlSanitizer urls;

        ModelNodes(HtmlNodeRendererContext context) {
            this.context = context;
            this.html = context.getWriter();
            this.urls = context.urlSanitizer();
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(MathNode.class, MarkNode.class, Image.class, Heading.class);
        }

        @Override
        public void render(Node node) {
            switch (node) {
                case MathNode math -> {
                    html.tag("span", Map.of("class", math.display ? "math math-display" : "math math-inline"));
                    html.text(math.tex);
                    html.tag("/span");
                }
                case MarkNode mark -> {
                    html.tag("mark", Map.of("class", "extracted search-mark"));
                    children(mark);
                    html.tag("/mark");
                }
                case Image image -> {
                    Map<String, String> attributes = new LinkedHashMap<>();
                    attributes.put("href", context.encodeUrl(urls.sanitizeLinkUrl(image.getDestination())));
                    attributes.put("rel", LINK_REL);
                    attributes.put("target", "_blank");
                    attributes.put("class", "image-link");
                    html.tag("a", attributes);
                    if (image.getFirstChild() == null) {
                        html.text(image.getDestination());
                    } else {
                        children(image);
                    }
                    html.tag("/a");
                }
                case Heading heading -> {
                    String tag = "h" + Math.min(6, heading.getLevel() + 3);
                    html.line();
                    html.tag(tag);
                    children(heading);
                    html.tag("/" + tag);
                    html.line();
                }
                default -> throw new IllegalArgumentException("not a model text node: " + node);
            }
        }

        private void children(Node parent) {
            Node child = parent.getFirstChild();
            while (child != null) {
                Node next = child.getNext();
                context.render(child);
                child = next;
            }
        }
    }
}
