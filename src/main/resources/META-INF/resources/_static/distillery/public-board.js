// Draws a public board's chart from the option the server put in data-option. A file of its own, not an inline
// script: public pages forbid inline scripts in their Content-Security-Policy.
(function () {
    var el = document.getElementById('chart');
    if (!el || !window.echarts) {
        return;
    }
    var chart = echarts.init(el);
    chart.setOption(JSON.parse(el.getAttribute('data-option')));
    window.addEventListener('resize', function () { chart.resize(); });
})();
