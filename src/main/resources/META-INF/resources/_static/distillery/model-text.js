// Typesets the LaTeX in rendered model text with MathJax 3 (tex-svg: no font files), loaded once from the app's own
// files next to this one (/_static/mathjax/, from its webjar). Only the spans the server marked as math
// (shared.text.Markdown writes <span class="math">$…$</span>) are typeset, so a dollar sign in prose stays a dollar sign.
// A file of its own, not an inline script: public pages forbid inline scripts in their Content-Security-Policy.
(function () {
    if (window.distilleryMath) {
        return;
    }
    var self = document.currentScript || document.querySelector('script[src*="distillery/model-text.js"]');
    var base = self.src.replace(/distillery\/model-text\.js.*$/, 'mathjax/es5/');
    var ready = null;

    function load() {
        if (ready) {
            return ready;
        }
        window.MathJax = {
            startup: { typeset: false },
            tex: {
                inlineMath: [['$', '$'], ['\\(', '\\)']],
                displayMath: [['$$', '$$'], ['\\[', '\\]']],
                processEscapes: true
            },
            svg: { fontCache: 'local' },
            options: { enableMenu: false }
        };
        ready = new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = base + 'tex-svg.js';
            script.async = true;
            script.onload = function () {
                window.MathJax.startup.promise.then(resolve, reject);
            };
            script.onerror = reject;
            document.head.appendChild(script);
        });
        return ready;
    }

    // The TeX the server kept, delimiters included: MathJax gets what is between them; an environment
    // (\begin{align*}…) is TeX as it stands. The server's class says whether it is display math.
    function tex(span) {
        var raw = span.textContent;
        var display = span.classList.contains('math-display');
        if (raw.indexOf('$$') === 0 || raw.indexOf('\\[') === 0 || raw.indexOf('\\(') === 0) {
            return { source: raw.slice(2, -2), display: display };
        }
        if (raw.indexOf('$') === 0) {
            return { source: raw.slice(1, -1), display: display };
        }
        return { source: raw, display: display };
    }

    function render(span) {
        var math = tex(span);
        span.setAttribute('data-typeset', 'pending');
        return window.MathJax.tex2svgPromise(math.source, { display: math.display }).then(function (node) {
            span.replaceChildren(node);
            span.setAttribute('data-typeset', 'done');
        }, function () {
            span.setAttribute('data-typeset', 'failed'); // the raw LaTeX stays
        });
    }

    function typeset(root) {
        var spans = Array.prototype.slice.call(root.querySelectorAll('.math:not([data-typeset])'));
        if (spans.length === 0) {
            return Promise.resolve();
        }
        return load().then(function () {
            // One at a time: MathJax's TeX input is not re-entrant.
            return spans.reduce(function (done, span) {
                return done.then(function () { return render(span); });
            }, Promise.resolve());
        });
    }

    window.distilleryMath = { typeset: typeset };

    // Public pages: typeset what the server rendered.
    Array.prototype.forEach.call(document.querySelectorAll('[data-typeset-math]'), typeset);
})();
