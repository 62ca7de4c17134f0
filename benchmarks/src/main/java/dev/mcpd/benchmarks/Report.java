package dev.mcpd.benchmarks;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds and their Markdown rows, shared by the harnesses. */
final class Report {

    private Report() {}

    /** A histogram of microseconds up to one minute, 3 significant digits. */
    static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    }

    /** Prints {@code | what | runs | median | p90 | p99 | max |}. */
    static void row(String what, Histogram h) {
        System.out.printf("| %s | %d | %s | %s | %s | %s |%n", what, h.getTotalCount(), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
    }

    /** Microseconds as milliseconds: three decimals below 10 ms, whole milliseconds above. */
    static String ms(long micros) {
        return micros >= 10_000 ? String.format("%.0f ms", micros / 1000.0) : String.format("%.3f ms", micros / 1000.0);
    }
}
