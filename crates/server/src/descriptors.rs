//! File descriptors: the soft limit raised to the hard one at start (logged), and how many
//! client connections that leaves room for beside the database, SMTP and files.

/// Descriptors kept free for everything but client connections: the database pool, SMTP
/// connections, the listener, log and mail files.
const RESERVED: u64 = 256;
/// The automatic connection cap never goes above this (memory, not descriptors, is then
/// what runs out first).
const AUTO_MAX: u64 = 10_000;

/// Raise the soft `RLIMIT_NOFILE` to the hard limit and return the connection cap:
/// `configured`, or with 0 what the limit leaves room for, never more than that room.
pub fn connection_cap(configured: usize) -> usize {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).ok();
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the file-descriptor limit");
            before.map_or(1024, |(soft, _)| soft)
        }
    };
    let room = limit.saturating_sub(RESERVED).max(1);
    let wanted = u64::try_from(configured).unwrap_or(u64::MAX);
    let cap = match wanted {
        0 => room.min(AUTO_MAX),
        n if n > room => {
            tracing::warn!(
                configured = n,
                room,
                "TESSERA_MAX_CONNECTIONS is above what the file-descriptor limit leaves room for; using the room"
            );
            room
        }
        n => n,
    };
    tracing::info!(
        open_files = limit,
        was = before.map(|(soft, _)| soft),
        max_connections = cap,
        "file-descriptor limit"
    );
    usize::try_from(cap).unwrap_or(usize::MAX)
}
