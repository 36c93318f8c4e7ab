//! Metrics of servers and load balancers: named time series over a period, as
//! `GET /servers/{id}/metrics` and `GET /load_balancers/{id}/metrics` answer them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The time series of one resource over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Start of the period.
    #[serde(with = "crate::runtime::datetime")]
    pub start: OffsetDateTime,
    /// End of the period.
    #[serde(with = "crate::runtime::datetime")]
    pub end: OffsetDateTime,
    /// Seconds between two points.
    pub step: f64,
    /// Each series by name, such as `cpu` or `network.0.bandwidth.in`.
    pub time_series: BTreeMap<String, TimeSeries>,
}

/// One named series: points in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    /// The points, oldest first.
    pub values: Vec<MetricPoint>,
}

/// One point of a series: `[unix seconds, "value"]` on the wire. The value stays the exact
/// decimal text the API sent; [`MetricPoint::number`] reads it as a float.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "(f64, String)", into = "(f64, String)")]
pub struct MetricPoint {
    /// Seconds since the UNIX epoch, with fractions.
    pub timestamp: f64,
    /// The value as the API wrote it.
    pub value: String,
}

impl MetricPoint {
    /// The value as a float, unless the API sent something that is not a number.
    pub fn number(&self) -> Option<f64> {
        self.value.parse().ok()
    }

    /// The point in time, to the millisecond.
    pub fn at(&self) -> Option<OffsetDateTime> {
        let millis = (self.timestamp * 1000.0).round();
        if !millis.is_finite() {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis as i64) * 1_000_000).ok()
    }
}

impl From<(f64, String)> for MetricPoint {
    fn from((timestamp, value): (f64, String)) -> Self {
        Self { timestamp, value }
    }
}

impl From<MetricPoint> for (f64, String) {
    fn from(point: MetricPoint) -> Self {
        (point.timestamp, point.value)
    }
}

impl Metrics {
    /// The series called `name`, if the answer has it.
    pub fn series(&self, name: &str) -> Option<&TimeSeries> {
        self.time_series.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_as_pairs_and_keep_their_text() {
        let json = r#"{"start": "2017-01-01T00:00:00Z", "end": "2017-01-01T23:00:00Z", "step": 60,
            "time_series": {"cpu": {"values": [[1435781470.622, "42"], [1435781471.622, "43.5"]]}}}"#;
        let metrics: Metrics = serde_json::from_str(json).unwrap();
        let cpu = metrics.series("cpu").unwrap();
        assert_eq!(cpu.values[1].value, "43.5");
        assert_eq!(cpu.values[1].number(), Some(43.5));
        assert_eq!(cpu.values[0].at().unwrap().unix_timestamp(), 1_435_781_470);
        let back = serde_json::to_value(&metrics).unwrap();
        assert_eq!(back["time_series"]["cpu"]["values"][0], serde_json::json!([1435781470.622, "42"]));
        assert!(MetricPoint { timestamp: f64::NAN, value: "x".into() }.at().is_none());
    }
}
