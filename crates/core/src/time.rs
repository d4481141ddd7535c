//! Time as the domain sees it: whole Unix seconds, a `Clock` port, and Django's date formats.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Seconds from the Unix epoch to 2001-01-01T00:00:00Z, Django's token epoch.
const DJANGO_TOKEN_EPOCH: i64 = 978_307_200;

impl Timestamp {
    pub fn plus_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }

    /// Seconds since 2001-01-01 (what Django's token generator counts in).
    pub fn django_token_seconds(self) -> i64 {
        self.0 - DJANGO_TOKEN_EPOCH
    }

    pub fn from_django_token_seconds(secs: i64) -> Self {
        Self(secs.saturating_add(DJANGO_TOKEN_EPOCH))
    }

    /// RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn rfc3339(self) -> String {
        let mut text = self.python_datetime_str().replacen(' ', "T", 1);
        text.push('Z');
        text
    }

    /// Python's `str(naive_datetime)` for a whole second: `YYYY-MM-DD HH:MM:SS`.
    pub fn python_datetime_str(self) -> String {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
            secs / 3600,
            (secs % 3600) / 60,
            secs % 60
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); H. Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The source of "now", so tests can move time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;

    /// Milliseconds since the Unix epoch (rate limits count in them).
    fn now_millis(&self) -> i64 {
        self.now().0.saturating_mul(1000)
    }
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Timestamp(secs)
    }

    fn now_millis(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python() {
        assert_eq!(Timestamp(0).python_datetime_str(), "1970-01-01 00:00:00");
        assert_eq!(
            Timestamp(1_795_333_397).python_datetime_str(),
            "2026-11-22 07:43:17"
        );
        assert_eq!(
            Timestamp(951_782_400).python_datetime_str(),
            "2000-02-29 00:00:00"
        );
    }

    #[test]
    fn django_epoch() {
        assert_eq!(Timestamp(978_307_200).django_token_seconds(), 0);
    }
}
