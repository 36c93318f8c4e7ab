//! RFC 3339 date-times as the API writes them, read quickly (serde `with` modules).
//!
//! The API writes every date-time in one shape, `2016-01-30T23:55:00Z` or with `+00:00`, and a
//! page of servers holds hundreds of them. That shape is read directly; anything else (fractions
//! of a second, other offsets, leap seconds, invalid text) goes through the general RFC 3339
//! parser of the `time` crate, which also words the error.

use serde::de::Visitor;
use serde::{Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Reads an RFC 3339 date-time.
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    match common_shape(text.as_bytes()) {
        Some(at) => Ok(at),
        None => OffsetDateTime::parse(text, &Rfc3339),
    }
}

/// `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`, and nothing else; `None` for anything
/// the general parser should judge.
fn common_shape(b: &[u8]) -> Option<OffsetDateTime> {
    fn num(b: &[u8]) -> Option<u16> {
        b.iter().try_fold(0u16, |n, &c| c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0')))
    }
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let offset = match &b[19..] {
        b"Z" => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = i8::try_from(num(&[*h1, *h2])?).ok().filter(|h| *h < 24)?;
            let minutes = i8::try_from(num(&[*m1, *m2])?).ok().filter(|m| *m < 60)?;
            let sign = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?
        }
        _ => return None,
    };
    let year = i32::from(num(&b[0..4])?);
    let month = Month::try_from(u8::try_from(num(&b[5..7])?).ok()?).ok()?;
    let day = u8::try_from(num(&b[8..10])?).ok()?;
    let hour = u8::try_from(num(&b[11..13])?).ok()?;
    let minute = u8::try_from(num(&b[14..16])?).ok()?;
    let second = u8::try_from(num(&b[17..19])?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

struct Rfc3339Text;

impl Visitor<'_> for Rfc3339Text {
    type Value = OffsetDateTime;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<OffsetDateTime, E> {
        parse(text).map_err(E::custom)
    }
}

/// Decodes an RFC 3339 date-time (serde `with`).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    deserializer.deserialize_str(Rfc3339Text)
}

/// Encodes a date-time as RFC 3339 (serde `with`).
pub fn serialize<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    time::serde::rfc3339::serialize(at, serializer)
}

/// The same for a date-time that may be `null`.
pub mod option {
    use super::*;
    use serde::Deserialize;

    /// Decodes an RFC 3339 date-time or `null` (serde `with`).
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        struct At(OffsetDateTime);
        impl<'de> Deserialize<'de> for At {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::deserialize(deserializer).map(At)
            }
        }
        Ok(Option::<At>::deserialize(deserializer)?.map(|at| at.0))
    }

    /// Encodes a date-time as RFC 3339, or `None` as `null` (serde `with`).
    pub fn serialize<S: Serializer>(at: &Option<OffsetDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::option::serialize(at, serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_shape_reads_as_the_general_parser_does() {
        for text in [
            "2016-01-30T23:55:00Z",
            "2016-01-30T23:55:00+00:00",
            "2016-01-30T23:55:00-00:00",
            "2024-02-29T00:00:59+05:30",
            "1999-12-31T23:59:59-09:45",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let general = OffsetDateTime::parse(text, &Rfc3339).unwrap();
            assert_eq!(common_shape(text.as_bytes()), Some(general), "{text}");
            assert_eq!(parse(text).unwrap(), general);
        }
    }

    #[test]
    fn other_shapes_go_to_the_general_parser() {
        for text in ["2016-01-30T23:55:00.5Z", "2016-01-30t23:55:00z", "2016-12-31T23:59:60Z"] {
            assert_eq!(common_shape(text.as_bytes()), None, "{text}");
            assert_eq!(parse(text).ok(), OffsetDateTime::parse(text, &Rfc3339).ok(), "{text}");
        }
        for text in [
            "2016-02-30T00:00:00Z",
            "2016-13-01T00:00:00Z",
            "2016-01-30T24:00:00Z",
            "2016-01-30T23:60:00Z",
            "2016-01-30T23:55:00+24:00",
            "2016-01-30T23:55:00+01:60",
            "2016-01-30T23:55:00",
            "2016-01-30T23:55:00Z ",
            "２016-01-30T23:55:00Z",
            "+016-01-30T23:55:00Z",
            "",
        ] {
            assert_eq!(common_shape(text.as_bytes()), None, "{text}");
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_wrong_separator_anywhere_goes_to_the_general_parser() {
        let good = "2016-01-30T23:55:00Z";
        for at in [4, 7, 10, 13, 16] {
            let mut text = good.as_bytes().to_vec();
            text[at] = b'x';
            let text = String::from_utf8(text).unwrap();
            assert_eq!(common_shape(text.as_bytes()), None, "{text}");
            assert_eq!(parse(&text).ok(), OffsetDateTime::parse(&text, &Rfc3339).ok(), "{text}");
            // Between date and time the general parser accepts more than `T`; elsewhere nothing.
            if at != 10 {
                assert!(parse(&text).is_err(), "{text}");
            }
        }
        // Too short to hold the shape: judged by the general parser, not read out of bounds.
        for text in ["2016-01-30T23:55Z", "2016-01-30", "2016"] {
            assert_eq!(common_shape(text.as_bytes()), None, "{text}");
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn values_round_trip_through_serde() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Both {
            #[serde(with = "super")]
            at: OffsetDateTime,
            #[serde(with = "super::option")]
            maybe: Option<OffsetDateTime>,
        }
        let text = r#"{"at":"2016-01-30T23:55:00Z","maybe":null}"#;
        let both: Both = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&both).unwrap(), text);
        let later: Both =
            serde_json::from_str(r#"{"at":"2016-01-30T23:55:00+01:00","maybe":"2017-01-01T00:00:00Z"}"#)
                .unwrap();
        assert_eq!(later.at.offset(), UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(later.maybe.unwrap().year(), 2017);
        assert!(serde_json::from_str::<Both>(r#"{"at":"yesterday","maybe":null}"#).is_err());
        assert!(serde_json::from_str::<Both>(r#"{"at":5,"maybe":null}"#).is_err());
    }
}
