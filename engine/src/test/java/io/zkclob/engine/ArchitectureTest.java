package io.zkclob.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is a pure state machine: the JDK and the contracts records, nothing else; no clock, no randomness. */
class ArchitectureTest {
    private final JavaClasses engine = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.zkclob.engine");

    @Test
    void dependsOnlyOnTheJdkAndContracts() {
        classes().that().resideInAPackage("io.zkclob.engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.zkclob.engine..", "io.zkclob.contracts",
                        "java..")
                .check(engine);
    }

    @Test
    void readsNoClockAndNoRandomness() {
        noClasses().that().resideInAPackage("io.zkclob.engine..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.time..", "java.util.random..",
                        "java.util.concurrent..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.SplittableRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.HashMap")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.HashSet")
                .check(engine);
    }
}
