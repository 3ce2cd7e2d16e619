package dev.distillery.shared.ui;

import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import com.vaadin.flow.shared.Registration;

/**
 * An Apache ECharts chart: the option is plain ECharts JSON built on the server, the library's browser bundle comes
 * from its jar on the classpath, so no frontend build is needed. Clicking a data point fires {@link PointClick}.
 */
@Tag("div")
@JavaScript(EChart.SCRIPT)
public class EChart extends Component implements HasSize {

    /** Where the ECharts bundle is served (from its mvnpm jar's META-INF/resources); public pages load the same file. */
    public static final String PATH = "/_static/echarts/6.0.0/dist/echarts.min.js";

    static final String SCRIPT = "context:/" + PATH;

    public EChart() {
        setWidthFull();
        setHeight("360px");
    }

    /** Shows the chart for an ECharts option object, given as JSON; replaces the previous one. */
    public void setOption(String optionJson) {
        getElement().setAttribute("data-chart", "echarts");
        getElement().executeJs("""
                const el = this;
                const draw = () => {
                  if (!window.echarts) { setTimeout(draw, 50); return; }
                  if (!el.$chart) {
                    el.$chart = echarts.init(el);
                    new ResizeObserver(() => el.$chart.resize()).observe(el);
                    el.$chart.on('click', p => el.$server.pointClicked(p.seriesIndex, p.dataIndex));
                  }
                  el.$chart.setOption(JSON.parse($0), true);
                  el.setAttribute('data-rendered', 'true');
                };
                draw();""", optionJson);
    }

    @ClientCallable
    private void pointClicked(int seriesIndex, int dataIndex) {
        fireEvent(new PointClick(this, seriesIndex, dataIndex));
    }

    public Registration addPointClickListener(ComponentEventListener<PointClick> listener) {
        return addListener(PointClick.class, listener);
    }

    /** A click on a data point: which series and which of its points. */
    public static class PointClick extends ComponentEvent<EChart> {
        private final int seriesIndex;
        private final int dataIndex;

        PointClick(EChart source, int seriesIndex, int dataIndex) {
            super(source, true);
            this.seriesIndex = seriesIndex;
            this.dataIndex = dataIndex;
        }

        public int seriesIndex() {
            return seriesIndex;
        }

        public int dataIndex() {
            return dataIndex;
        }
    }
}
