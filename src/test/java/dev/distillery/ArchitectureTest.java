package dev.distillery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Rules Spring Modulith cannot see: layering inside modules and where libraries may be used. */
@AnalyzeClasses(packages = "dev.distillery", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule viewsTalkToServicesNotToTheDatabase = noClasses()
            .that()
            .resideInAPackage("..ui..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..");

    @ArchTest
    static final ArchRule restControllersDoNotTouchTheDatabase = noClasses()
            .that()
            .resideInAPackage("..api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..");

    @ArchTest
    static final ArchRule langChain4jStaysInsideEndpoints = noClasses()
            .that()
            .resideOutsideOfPackage("dev.distillery.endpoints..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.langchain4j..", "com.openai..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule methodsArePure = noClasses()
            .that()
            .resideInAPackage("dev.distillery.methods..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework.jdbc..", "java.sql..", "java.net.http..", "dev.langchain4j..", "com.vaadin..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule methodsDependOnNoOtherFeature = noClasses()
            .that()
            .resideInAPackage("dev.distillery.methods..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.distillery.runs..",
                    "dev.distillery.grading..",
                    "dev.distillery.endpoints..",
                    "dev.distillery.datasets..",
                    "dev.distillery.tenancy..",
                    "dev.distillery.review..",
                    "dev.distillery.leaderboards..",
                    "dev.distillery.finetune..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule theGradingRulesArePureAndOwnTheComputerAlgebra = noClasses()
            .that()
            .resideInAPackage("dev.distillery.grading.rules..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "java.sql..",
                    "java.net..",
                    "com.vaadin..",
                    "dev.distillery.tenancy..",
                    "dev.distillery.runs..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule symjaStaysInsideTheGradingRules = noClasses()
            .that()
            .resideOutsideOfPackage("dev.distillery.grading.rules..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.matheclipse..", "edu.jas..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule servicesDoNotDependOnViews = noClasses()
            .that()
            .resideOutsideOfPackage("..ui..")
            .and()
            .resideOutsideOfPackage("dev.distillery.tenancy.security..")
            .and()
            .doNotHaveSimpleName("AppShell")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("..ui..");

    @ArchTest
    static final ArchRule everyCsvIsWrittenFormulaSafe = noClasses()
            .that()
            .doNotHaveFullyQualifiedName("dev.distillery.shared.SafeCsv")
            .and()
            .doNotHaveFullyQualifiedName("dev.distillery.shared.SafeCsv$Printer")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.commons.csv.CSVPrinter")
            .because("CSV exports go through shared.SafeCsv, which keeps cells from being read as formulas");

    @ArchTest
    static final ArchRule pagesAreStyledByTheStylesheet = noClasses()
            .should()
            .callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasName.Predicates.name("getStyle")))
            .because("pages are styled by the classes in styles.css, not by inline styles set from Java");

    @ArchTest
    static final ArchRule viewsAreNamedAsViewsOrLayouts = classes()
            .that()
            .areAnnotatedWith(com.vaadin.flow.router.Route.class)
            .should()
            .haveSimpleNameEndingWith("View");
}
