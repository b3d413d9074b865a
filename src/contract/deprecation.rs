//! The webhook's deprecation: the vendor's key dates, and the notice worded from today's date.

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year, such as 2026.
    pub year: i32,
    /// The month, from 1 (January) to 12.
    pub month: u32,
    /// The day of the month, from 1.
    pub day: u32,
}

/// End of Support of the 1:1 Authentication webhook.
pub const END_OF_SUPPORT: Date = Date { year: 2026, month: 10, day: 1 };
/// End of Life (retirement) of the 1:1 Authentication webhook.
pub const END_OF_LIFE: Date = Date { year: 2027, month: 4, day: 1 };
/// The vendor's recommended migration date.
pub const MIGRATE_BY: Date = Date { year: 2027, month: 1, day: 1 };
/// What replaces the webhook.
pub const SUCCESSOR: &str = "the Face Authentication module in Workflows and Flows";

/// A message about the run as a whole, such as the webhook's deprecation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    /// A stable identifier of the notice, such as `deprecation`.
    pub code: &'static str,
    /// The notice in words.
    pub message: String,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
        let day = parts.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today, by the system clock (UTC).
    pub fn today() -> Date {
        let seconds =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
        Date::from_days_since_epoch((seconds / 86_400) as i64)
    }
}

/// `millis` milliseconds after 1970-01-01T00:00:00Z as an ISO-8601 UTC date-time with
/// milliseconds, such as `2026-11-29T10:00:00.250Z`.
pub fn utc_date_time(millis: i64) -> String {
    let (days, in_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let Date { year, month, day } = Date::from_days_since_epoch(days);
    let (seconds, millis) = (in_day / 1000, in_day % 1000);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The system clock's time now, as [`utc_date_time`] writes it.
pub fn utc_now() -> String {
    let elapsed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    utc_date_time(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days(count: i64) -> String {
    if count == 1 { "1 day".to_owned() } else { format!("{count} days") }
}

/// The deprecation notice as of `today`.
pub fn deprecation_notice(today: Date) -> Notice {
    let now = today.days_since_epoch();
    let until = |date: Date| date.days_since_epoch() - now;
    let message = if until(END_OF_SUPPORT) > 0 {
        format!(
            "the 1:1 Authentication webhook is deprecated: End of Support {END_OF_SUPPORT} (in {}), End of Life {END_OF_LIFE}; migrate to {SUCCESSOR}, by {MIGRATE_BY} as the vendor recommends",
            days(until(END_OF_SUPPORT))
        )
    } else if until(END_OF_LIFE) > 0 {
        format!(
            "the 1:1 Authentication webhook passed End of Support on {END_OF_SUPPORT} ({} ago) and reaches End of Life on {END_OF_LIFE} (in {}); migrate to {SUCCESSOR}{}",
            days(-until(END_OF_SUPPORT)),
            days(until(END_OF_LIFE)),
            if until(MIGRATE_BY) > 0 { format!(", by {MIGRATE_BY} as the vendor recommends") } else { String::new() }
        )
    } else {
        format!(
            "the 1:1 Authentication webhook reached End of Life on {END_OF_LIFE} ({} ago) and is retired; migrate to {SUCCESSOR}",
            days(-until(END_OF_LIFE))
        )
    };
    Notice { code: "deprecation", message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_dates_both_ways() {
        let date = Date { year: 2026, month: 11, day: 25 };
        assert_eq!(date.days_since_epoch(), 20_782);
        assert_eq!(Date::from_days_since_epoch(20_782), date);
        assert_eq!(Date { year: 1970, month: 1, day: 1 }.days_since_epoch(), 0);
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(Date::parse("2024-13-01"), None);
    }

    #[test]
    fn words_the_notice_from_the_date() {
        let before = deprecation_notice(Date { year: 2026, month: 9, day: 30 }).message;
        assert!(before.contains("End of Support 2026-10-01 (in 1 day)"), "{before}");
        let between = deprecation_notice(Date { year: 2026, month: 11, day: 25 }).message;
        assert!(between.contains("(55 days ago)") && between.contains("(in 127 days)"), "{between}");
        let after = deprecation_notice(Date { year: 2027, month: 4, day: 2 }).message;
        assert!(after.contains("(1 day ago) and is retired"), "{after}");
    }
}
