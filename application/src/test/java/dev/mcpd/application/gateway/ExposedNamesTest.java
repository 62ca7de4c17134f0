package dev.mcpd.application.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exposed tool and prompt names: valid for every host, stable, collisions resolved and reported (ADR 0016). */
class ExposedNamesTest {

    @Test
    void aPlainNameIsExposedVerbatimAndMapsBack() {
        ExposedNames names = new ExposedNames();

        assertThat(names.expose("fs", "read_text_file")).isEqualTo("fs__read_text_file");
        assertThat(names.original("fs__read_text_file")).isEqualTo(new ExposedNames.Original("fs", "read_text_file"));
        assertThat(names.original("fs__nope")).isNull();
        assertThat(names.adjustments()).isEmpty();
    }

    @Test
    void charactersHostsRefuseBecomeUnderscoresAndAreReported() {
        ExposedNames names = new ExposedNames();

        String exposed = names.expose("my server", "get.sum/ü");

        assertThat(exposed).isEqualTo("my_server__get_sum__").matches(ExposedNames.VALID);
        assertThat(names.original(exposed)).isEqualTo(new ExposedNames.Original("my server", "get.sum/ü"));
        assertThat(names.adjustments()).containsExactly("\"my server__get.sum/ü\" is exposed as \"my_server__get_sum__\"");
    }

    @Test
    void anOverLongNameIsCutWithAStableHashAcrossInstances() {
        String longName = "a_tool_name_that_goes_on_and_on_well_past_what_hosts_accept";
        String first = new ExposedNames().expose("everything", longName);
        String again = new ExposedNames().expose("everything", longName);

        assertThat(first).hasSize(ExposedNames.MAX_LENGTH).matches(ExposedNames.VALID).isEqualTo(again)
                .startsWith("everything__a_tool_name");
        assertThat(new ExposedNames().expose("everything", longName + "_2")).isNotEqualTo(first);
    }

    @Test
    void twoNamesThatSanitizeAlikeGetDistinctStableNames() {
        ExposedNames names = new ExposedNames();

        String dotted = names.expose("s", "a.b");
        String slashed = names.expose("s", "a/b");

        assertThat(dotted).isEqualTo("s__a_b");
        assertThat(slashed).isNotEqualTo(dotted).matches(ExposedNames.VALID).startsWith("s__a_b_");
        assertThat(names.expose("s", "a/b")).isEqualTo(slashed);
        assertThat(names.original(slashed)).isEqualTo(new ExposedNames.Original("s", "a/b"));
        assertThat(names.adjustments()).hasSize(2);
    }
}
