package dev.distillery.experiments.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.experiments.Experiment;
import dev.distillery.experiments.ExperimentEstimate;
import dev.distillery.experiments.ExperimentTemplate;
import dev.distillery.experiments.ExperimentTemplateService;
import dev.distillery.experiments.TemplateLaunch;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import dev.distillery.shared.NotFoundException;
import jakarta.annotation.security.PermitAll;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Launch one of the papers' experiments from its template: the dataset, a field per slot (by its kind, with the
 * slot's own explanation), and for a grid the estimate and, above the workspace's threshold, the confirmation the form
 * asks for too. Errors are shown on the fields they name.
 */
@Route("experiments/templates/:templateKey")
@PageTitle("Experiment template · Distillery")
@PermitAll
public class ExperimentTemplateView extends VerticalLayout implements BeforeEnterObserver {

    /** A grid's error about one of its cells, such as {@code methods[3].roles.teacher}: the slot it comes from. */
    private static final Pattern CELL_FIELD =
            Pattern.compile("^(?:methods|cells)\\[(\\d+)]\\.roles\\.(teacher|student)$");

    private final ExperimentTemplateService templates;
    private final DatasetService datasets;
    private final EndpointService endpoints;
    private final TextField name = new TextField("Name (optional)");
    private final Select<DatasetSummary> dataset = new Select<>();
    private final Map<String, SlotField> slots = new LinkedHashMap<>();
    private final Grid<ExperimentEstimate.Cell> estimateGrid = ExperimentFormView.estimateGrid();
    private final Paragraph estimateTotal = new Paragraph();
    private final Checkbox confirm = new Checkbox();
    private final Div errors = new Div();
    private @Nullable ExperimentTemplate template;

    public ExperimentTemplateView(
            ExperimentTemplateService templates, DatasetService datasets, EndpointService endpoints) {
        this.templates = templates;
        this.datasets = datasets;
        this.endpoints = endpoints;
        setMaxWidth("72rem");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String key = event.getRouteParameters().get("templateKey").orElse("");
        ExperimentTemplate found = templates
                .template(key)
                .orElseThrow(() -> new NotFoundException("No experiment template '" + key + "'."));
        // The router keeps this view when only the key changes: the fields are another template's then.
        if (template == null || !template.key().equals(found.key())) {
            template = found;
            removeAll();
            slots.clear();
            build(found);
        }
    }

    /** A slot's field: what the user gave, as the template reads it (ids as text), or null when empty. */
    private record SlotField(
            Component component, HasValidation validation, java.util.function.Supplier<@Nullable Object> value) {}

    private void build(ExperimentTemplate template) {
        List<EndpointDetails> models = endpoints.list();
        name.setId("template-name");
        name.setPlaceholder(template.title());
        dataset.setLabel("Dataset");
        dataset.setId("template-dataset");
        dataset.setItems(datasets.list());
        dataset.setItemLabelGenerator(DatasetSummary::name);
        dataset.setHelperText("Its latest version.");
        dataset.addValueChangeListener(e -> updateEstimate());

        FormLayout form = new FormLayout(name, dataset);
        for (ExperimentTemplate.Slot slot : template.slots()) {
            SlotField field = field(slot, models);
            slots.put(slot.name(), field);
            form.add(field.component());
            if (field.component() instanceof HasValue<?, ?> input) {
                input.addValueChangeListener(e -> updateEstimate());
            }
        }

        OrderedList stages = new OrderedList();
        stages.setId("template-stages");
        template.stages().forEach(stage -> stages.add(new ListItem(stage)));

        confirm.setId("template-confirm");
        confirm.setVisible(false);
        estimateTotal.setId("estimate-total");
        estimateGrid.setVisible(false);
        errors.setId("template-errors");
        errors.addClassName("text-error");
        Button launch = new Button("Launch experiment", click -> launch());
        launch.setId("template-launch");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        H1 title = new H1(template.title());
        title.setId("template-title");
        Paragraph description = new Paragraph(template.description());
        description.setId("template-description");
        add(title, description, new H2("What it does"), stages, errors, new H2("Dataset and models"), form);
        if (models.isEmpty()) {
            errors.add(new Paragraph("Register the models' endpoints first (Endpoints)."));
        }
        if (template.pipeline()) {
            add(new Paragraph("Its stages start one after another, each when the one before has finished; what a "
                    + "later stage costs depends on what the earlier ones produce, so there is no estimate."));
        } else {
            add(new H2("Estimate"), estimateGrid, estimateTotal, confirm);
        }
        add(launch);
        updateEstimate();
    }

    private static SlotField field(ExperimentTemplate.Slot slot, List<EndpointDetails> models) {
        String label = slot.label() + (slot.required() ? "" : " (optional)");
        String id = "slot-" + slot.name();
        switch (slot.type()) {
            case "endpoints" -> {
                CheckboxGroup<EndpointDetails> group = new CheckboxGroup<>(label);
                group.setItems(models);
                group.setItemLabelGenerator(ExperimentTemplateView::endpointLabel);
                group.setHelperText(slot.help());
                group.setId(id);
                return new SlotField(
                        group,
                        group,
                        () -> group.getValue().isEmpty()
                                ? null
                                : models.stream()
                                        .filter(group.getValue()::contains)
                                        .map(e -> e.id().toString())
                                        .toList());
            }
            case "endpoint" -> {
                Select<EndpointDetails> select = new Select<>();
                select.setLabel(label);
                select.setItems(models);
                select.setItemLabelGenerator(ExperimentTemplateView::endpointLabel);
                select.setEmptySelectionAllowed(!slot.required());
                select.setEmptySelectionCaption("None");
                select.setHelperText(slot.help());
                select.setId(id);
                return new SlotField(
                        select,
                        select,
                        () -> select.getValue() == null
                                ? null
                                : select.getValue().id().toString());
            }
            case "integer" -> {
                IntegerField number = new IntegerField(label);
                number.setMin(1);
                number.setHelperText(slot.help());
                number.setId(id);
                return new SlotField(number, number, number::getValue);
            }
            default -> {
                TextField text = new TextField(label);
                text.setHelperText(slot.help());
                text.setId(id);
                return new SlotField(text, text, () -> text.getValue().isBlank() ? null : text.getValue());
            }
        }
    }

    private static String endpointLabel(EndpointDetails endpoint) {
        return endpoint.name() + " (" + endpoint.model() + ")";
    }

    private Optional<TemplateLaunch> launchOf() {
        DatasetSummary d = dataset.getValue();
        if (d == null) {
            return Optional.empty();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        slots.forEach((slot, field) -> {
            Object value = field.value().get();
            if (value != null) {
                values.put(slot, value);
            }
        });
        return Optional.of(new TemplateLaunch(
                name.getValue(), d.id(), null, values, null, null, confirm.isVisible() && confirm.getValue()));
    }

    private String key() {
        if (template == null) {
            throw new NotFoundException("No such experiment template.");
        }
        return template.key();
    }

    private void updateEstimate() {
        if (template == null || template.pipeline()) {
            return;
        }
        Optional<TemplateLaunch> launch = launchOf();
        boolean modelsChosen = template.slots().stream()
                .filter(ExperimentTemplate.Slot::required)
                .map(s -> slots.get(s.name()))
                .allMatch(field -> field != null && field.value().get() != null);
        if (launch.isEmpty() || !modelsChosen) {
            estimateGrid.setVisible(false);
            confirm.setVisible(false);
            estimateTotal.setText("Choose the dataset and the models to see what the experiment will cost.");
            return;
        }
        try {
            templates.estimate(key(), launch.get()).ifPresent(this::show);
        } catch (InvalidInputException e) {
            estimateGrid.setVisible(false);
            confirm.setVisible(false);
            estimateTotal.setText("No estimate yet: "
                    + String.join(
                            " ", e.errors().stream().map(FieldError::message).toList()));
        }
    }

    private void show(ExperimentEstimate estimate) {
        estimateGrid.setItems(estimate.cells());
        estimateGrid.setVisible(true);
        estimateTotal.setText(ExperimentFormView.total(estimate));
        boolean wasVisible = confirm.isVisible();
        confirm.setVisible(estimate.confirmationRequired());
        confirm.setLabel(ExperimentFormView.confirmLabel(estimate));
        if (!wasVisible) {
            confirm.setValue(false);
        }
    }

    private void launch() {
        clearErrors();
        Optional<TemplateLaunch> launch = launchOf();
        if (launch.isEmpty()) {
            dataset.setErrorMessage("Choose the dataset.");
            dataset.setInvalid(true);
            return;
        }
        try {
            Experiment experiment = templates.launch(key(), launch.get());
            getUI().ifPresent(ui -> ui.navigate(
                    ExperimentView.class,
                    new RouteParameters("experimentId", experiment.id().toString())));
        } catch (InvalidInputException e) {
            e.errors().forEach(this::showError);
        }
    }

    private void clearErrors() {
        errors.removeAll();
        dataset.setInvalid(false);
        name.setInvalid(false);
        slots.values().forEach(field -> field.validation().setInvalid(false));
    }

    /** On the field it names (a grid's teachers and students are the slots of those names); the rest above. */
    private void showError(FieldError error) {
        String field = error.field();
        Matcher cell = CELL_FIELD.matcher(field);
        String slot = field.startsWith("slots.")
                ? field.substring("slots.".length())
                : cell.matches() ? cell.group(2) + "s" : field;
        HasValidation target = field.equals("datasetId") || field.equals("datasetVersion") || field.equals("split")
                ? dataset
                : field.equals("name")
                        ? name
                        : slots.containsKey(slot) ? slots.get(slot).validation() : null;
        if (target != null) {
            target.setErrorMessage(error.message());
            target.setInvalid(true);
        } else if (field.equals("confirm")) {
            errors.add(new Paragraph(error.message()));
            updateEstimate();
        } else {
            errors.add(new Paragraph(error.describe()));
        }
    }
}
