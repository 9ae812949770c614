package org.kemari.bench;

/**
 * One row of the bench table: a figure, the physical baseline measured in the same run, and the
 * target it is judged by. A row whose measurement could not be taken keeps its target and says
 * why in {@code note}, with {@code met} null, so a missing figure never reads as a pass.
 *
 * @param name     what was measured
 * @param value    the figure, in {@code unit}
 * @param baseline the same-run physical baseline, in {@code baselineUnit}; NaN if the target is absolute
 * @param ratio    the quantity the target bounds: value/baseline, value - baseline for an added cost, or
 *                 value itself for absolute targets
 * @param target   the target as text, e.g. "<= 1.5x"
 * @param met      whether {@code ratio} meets the target; null if not measured
 * @param note     how it was measured, or why it was not
 */
record Metric(String name, double value, String unit, double baseline, String baselineUnit, double ratio,
              String target, Boolean met, String note) {

    /** A figure judged against a same-run baseline: ratio = value / baseline. */
    static Metric relative(String name, double value, String unit, double baseline, String baselineUnit,
                           Bound bound, String note) {
        double ratio = value / baseline;
        return new Metric(name, value, unit, baseline, baselineUnit, ratio, bound.text(), bound.holds(ratio), note);
    }

    /** What protection adds to a same-run baseline, judged as the difference: ratio = value - baseline. */
    static Metric added(String name, double value, String unit, double baseline, String baselineUnit, Bound bound,
                        String note) {
        double added = value - baseline;
        return new Metric(name, value, unit, baseline, baselineUnit, added, bound.text(), bound.holds(added), note);
    }

    /** A figure against its same-run baseline with no target: ratio = value / baseline. */
    static Metric compared(String name, double value, String unit, double baseline, String baselineUnit, String note) {
        return new Metric(name, value, unit, baseline, baselineUnit, value / baseline, "", null, note);
    }

    /** A figure judged on its own (epochs per second, milliseconds). */
    static Metric absolute(String name, double value, String unit, Bound bound, String note) {
        return new Metric(name, value, unit, Double.NaN, "", value, bound.text(), bound.holds(value), note);
    }

    /** A figure reported without a target (scaling series). */
    static Metric info(String name, double value, String unit, String note) {
        return new Metric(name, value, unit, Double.NaN, "", Double.NaN, "", null, note);
    }

    /** A row whose measurement did not happen: the reason goes in the table instead of a number. */
    static Metric notMeasured(String name, String target, String why) {
        return new Metric(name, Double.NaN, "", Double.NaN, "", Double.NaN, target, null, why);
    }

    /** An upper or lower bound on a ratio or an absolute figure. */
    record Bound(boolean atMost, double limit, String unit) {
        static Bound atMost(double limit, String unit) {
            return new Bound(true, limit, unit);
        }

        static Bound atLeast(double limit, String unit) {
            return new Bound(false, limit, unit);
        }

        boolean holds(double x) {
            if (Double.isNaN(x)) {
                return false;
            }
            return atMost ? x <= limit : x >= limit;
        }

        String text() {
            return (atMost ? "<= " : ">= ") + Format.number(limit) + unit;
        }
    }
}
