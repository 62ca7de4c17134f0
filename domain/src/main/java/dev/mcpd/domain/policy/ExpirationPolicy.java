package dev.mcpd.domain.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A pure decision whether the daemon should expire (B-L6, house rule 9). A policy reads state; it never acts,
 * sleeps or exits. One listener in the daemon acts on the composed result.
 */
@FunctionalInterface
public interface ExpirationPolicy {

    ExpirationResult check();

    /** Expires when any policy does; the most urgent result wins, reasons of equal urgency are joined. */
    static ExpirationPolicy anyOf(ExpirationPolicy... policies) {
        List<ExpirationPolicy> list = List.of(policies);
        return () -> {
            ExpirationResult worst = ExpirationResult.DO_NOT_EXPIRE;
            List<String> reasons = new ArrayList<>();
            for (ExpirationPolicy policy : list) {
                ExpirationResult result = policy.check();
                if (result.status().compareTo(worst.status()) > 0) {
                    worst = result;
                    reasons.clear();
                }
                if (result.expires() && result.status() == worst.status()) {
                    reasons.add(result.reason());
                }
            }
            return worst.expires() ? new ExpirationResult(worst.status(), String.join("; ", reasons)) : worst;
        };
    }

    /** Expires only when every policy does, with the least urgent status; reasons are joined. */
    static ExpirationPolicy allOf(ExpirationPolicy... policies) {
        List<ExpirationPolicy> list = List.of(policies);
        return () -> {
            ExpirationStatus least = null;
            List<String> reasons = new ArrayList<>();
            for (ExpirationPolicy policy : list) {
                ExpirationResult result = policy.check();
                if (!result.expires()) {
                    return ExpirationResult.DO_NOT_EXPIRE;
                }
                least = least == null || result.status().compareTo(least) < 0 ? result.status() : least;
                reasons.add(result.reason());
            }
            return least == null ? ExpirationResult.DO_NOT_EXPIRE : new ExpirationResult(least, String.join(" and ", reasons));
        };
    }
}
