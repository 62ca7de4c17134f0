package dev.mcpd.domain.model.gateway;

/** How sessions share a configured server's process (ADR 0016, decision 3). */
public enum SharingMode {
    /** One child serves every session; the gateway owns the child-side ids and routes server→client requests. */
    SHARED,
    /** Each session gets its own child, which sees that session's roots. */
    PER_SESSION;

    /** @return the spelling in {@code servers.json}: {@code shared} or {@code perSession} */
    public String configName() {
        return switch (this) {
            case SHARED -> "shared";
            case PER_SESSION -> "perSession";
        };
    }
}
