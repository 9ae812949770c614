package org.kemari.xen.sim.guest;

/**
 * The shape and pace of a {@link RequestServer}: one vcpu, {@code touchesPerStep} working-set
 * writes per step (the memory a server dirties while it works, which every epoch carries), and
 * {@code stepsPerSecond} steps (its polling rate: a request waits for the next step).
 */
public record RequestServerConfig(String name, long memoryMiB, long workingSetPages, long touchesPerStep,
                                  long stepsPerSecond, long seed) {

    public RequestServerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("request server name is empty");
        }
        long frames = memoryMiB * 256;
        if (memoryMiB <= 0 || workingSetPages < 1 || RequestServerLayout.WORKING_SET_BASE + workingSetPages > frames) {
            throw new IllegalArgumentException("request server " + name + ": working set must be 1.."
                    + (frames - RequestServerLayout.WORKING_SET_BASE) + " pages (after the vif frames, within "
                    + memoryMiB + " MiB), got " + workingSetPages);
        }
        if (touchesPerStep <= 0 || stepsPerSecond <= 0) {
            throw new IllegalArgumentException("request server " + name + ": touches per step (" + touchesPerStep
                    + ") and steps per second (" + stepsPerSecond + ") must be positive: an unthrottled server"
                    + " polls on a whole core");
        }
    }
}
