//! django-otp's TOTP devices (`otp_totp_totpdevice`) as Tessera TOTP factors: what carries
//! over (the key, the last time step used) and what Tessera's factor cannot represent.

use super::source::Source;
use sqlx::Row;
use sqlx::any::AnyRow;
use tessera_core::accounts::ImportedFactor;
use tessera_core::domain::UserId;
use tessera_core::two_factor::TotpSecret;

pub const DEVICES: &str = "otp_totp_totpdevice";

/// What a device is to the import.
#[derive(Debug)]
pub enum Device {
    Factor(ImportedFactor),
    /// Never confirmed by a code: not a factor anyone uses; left behind.
    Unconfirmed,
    Unfit(String),
}

/// Settings Tessera's factor does not keep, worth a line in the report.
#[derive(Debug, Default)]
pub struct Departures {
    /// Devices whose tolerance was not one step (Tessera allows one step either way).
    pub tolerance: u64,
    /// Devices with a recorded clock drift (Tessera keeps none).
    pub drift: u64,
}

pub fn select(source: &Source) -> Option<String> {
    if !source.has_table(DEVICES) {
        return None;
    }
    let created = source
        .column(DEVICES, "created_at")
        .map_or_else(|| "NULL".to_owned(), |c| source.epoch(c));
    Some(format!(
        "SELECT {id}, {user}, {key}, {step}, {t0}, {digits}, {tolerance}, {drift}, {last_t},
            {confirmed}, {created} FROM {DEVICES} WHERE {id} > $1 ORDER BY {id} LIMIT $2",
        id = source.int("id"),
        user = source.int("user_id"),
        key = source.text("key"),
        step = source.int("step"),
        t0 = source.int("t0"),
        digits = source.int("digits"),
        tolerance = source.int("tolerance"),
        drift = source.int("drift"),
        last_t = source.int("last_t"),
        confirmed = source.flag("confirmed"),
    ))
}

/// One row: its id, its user, and what it becomes.
pub fn device(
    row: &AnyRow,
    now: i64,
    departures: &mut Departures,
) -> Result<(i64, i64, Device), sqlx::Error> {
    let int = |i: usize| row.try_get::<i64, _>(i);
    let (id, user) = (int(0)?, int(1)?);
    let key: String = row.try_get(2)?;
    let (step, t0, digits, tolerance, drift, last_t) =
        (int(3)?, int(4)?, int(5)?, int(6)?, int(7)?, int(8)?);
    let device = if int(9)? == 0 {
        Device::Unconfirmed
    } else if (step, t0, digits) != (30, 0, 6) {
        Device::Unfit(format!(
            "step {step} s, t0 {t0}, {digits} digits: Tessera's TOTP is 30 s, t0 0, 6 digits"
        ))
    } else {
        match decode_hex(&key) {
            Some(bytes) if !bytes.is_empty() => {
                departures.tolerance += u64::from(tolerance != 1);
                departures.drift += u64::from(drift != 0);
                Device::Factor(ImportedFactor {
                    user: UserId(user),
                    secret: TotpSecret::from_bytes(bytes),
                    last_step: last_t,
                    created_at: row.try_get::<Option<i64>, _>(10)?.unwrap_or(now),
                })
            }
            _ => Device::Unfit("its key is not hexadecimal".into()),
        }
    };
    Ok((id, user, device))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
