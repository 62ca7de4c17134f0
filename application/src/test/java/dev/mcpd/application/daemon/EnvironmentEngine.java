package dev.mcpd.application.daemon;

import dev.mcpd.application.mcp.Json;
import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.Tool;
import dev.mcpd.domain.model.ToolAnnotations;
import dev.mcpd.domain.model.ToolResult;
import dev.mcpd.domain.port.CallContext;
import dev.mcpd.domain.port.Engine;
import java.util.List;
import java.util.Map;

/** An engine whose one tool, {@code whoami}, returns the calling client and the environment its hello forwarded. */
final class EnvironmentEngine implements Engine {

    @Override
    public String name() {
        return "environment";
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public List<Tool> tools() {
        return List.of(new Tool("whoami", null, "Returns the caller and its forwarded environment.",
                Json.object("type", "object"), null, ToolAnnotations.readOnly()));
    }

    @Override
    public ToolResult call(String tool, Map<String, Object> arguments, CallContext context) {
        if (!tool.equals("whoami")) {
            throw new IllegalArgumentException("no tool " + tool + " in engine environment");
        }
        return ToolResult.text(context.client() + " " + new java.util.TreeMap<>(context.environment()));
    }

    @Override
    public void close() {
        // nothing to release
    }
}
