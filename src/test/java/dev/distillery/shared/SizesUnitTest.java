package dev.distillery.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesUnitTest {

    @Test
    void limitsAreExact() {
        assertThat(Sizes.bytes(200L * 1024 * 1024)).isEqualTo("200 MiB");
        assertThat(Sizes.bytes(1024L * 1024 * 1024)).isEqualTo("1 GiB");
        assertThat(Sizes.bytes(1024)).isEqualTo("1 KiB");
        assertThat(Sizes.bytes(50_000)).isEqualTo("50,000 bytes");
    }

    @Test
    void measuredSizesHaveOneDecimalOfTheLargestUnitTheyReach() {
        assertThat(Sizes.about(13_000_000)).isEqualTo("12.4 MiB");
        assertThat(Sizes.about(2048)).isEqualTo("2.0 KiB");
        assertThat(Sizes.about(1000)).isEqualTo("1,000 bytes");
    }
}
