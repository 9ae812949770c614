/** What kemari's daemons expose for monitoring systems: {@link org.kemari.metrics.PrometheusText}. */
package org.kemari.metrics;
