package org.kemari.bench;

import java.util.ArrayList;
import java.util.List;

/** Points of one measured curve, for the plot and the JSON. */
final class Series {
    final String name;
    final String xLabel;
    final String yLabel;
    final List<double[]> points = new ArrayList<>();

    Series(String name, String xLabel, String yLabel) {
        this.name = name;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    Series add(double x, double y) {
        points.add(new double[] {x, y});
        return this;
    }
}
