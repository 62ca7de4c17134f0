package dev.mcpd.adapter.primary.cli;

import dev.mcpd.domain.model.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code mcpd doctor}: what works here, what does not, and the fix for each. Exit 0 unless a required check fails. */
@Command(name = "doctor", description = "Check Java, the state dir, transports, engines and a real MCP round trip.")
final class DoctorCommand extends BackendCommand {

    DoctorCommand(CliBackend backend) {
        super(backend);
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<CliBackend.DoctorCheck> checks = backend.doctor();
        int failed = 0;
        int warned = 0;
        for (CliBackend.DoctorCheck check : checks) {
            String mark = check.ok() ? "[ok]  " : check.warning() ? "[warn]" : "[FAIL]";
            out.printf("%s %-22s %s%n", mark, check.name(), check.detail());
            if (!check.ok()) {
                if (check.warning()) {
                    warned++;
                } else {
                    failed++;
                }
                out.printf("       %-22s fix: %s%n", "", check.fix());
            }
        }
        out.printf("%d of %d checks passed%s%n", checks.size() - failed - warned, checks.size(),
                warned == 0 ? "" : ", " + warned + " optional part(s) unavailable");
        return (failed == 0 ? ExitCode.OK : ExitCode.FAILURE).code();
    }
}
