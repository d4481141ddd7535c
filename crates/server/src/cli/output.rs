//! How the operator's commands print: aligned tables and plain times for a person, JSON
//! (the admin API's shapes) for scripts.

use tessera_core::Timestamp;

/// `2026-12-02 03:04:05 UTC`, or `-` for never.
pub fn when(secs: Option<i64>) -> String {
    secs.map_or_else(
        || "-".to_owned(),
        |t| format!("{} UTC", Timestamp(t).python_datetime_str()),
    )
}

/// `yes` or `no`.
pub fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

/// Rows under a header, each column as wide as its widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

/// Print `value` as pretty JSON.
pub fn json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// The detail's JSON, as `key: value` lines and its sessions and events as tables.
pub fn print_detail(detail: &serde_json::Value) {
    if let Some(fields) = detail.as_object() {
        for (key, value) in fields {
            if !matches!(key.as_str(), "sessions" | "recent_events") {
                println!("{key}: {}", cell(value));
            }
        }
    }
    let sessions: Vec<Vec<String>> = detail["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            ["created_at", "last_used_at", "ip", "user_agent"]
                .iter()
                .map(|k| cell(&s[*k]))
                .collect()
        })
        .collect();
    println!(
        "\nsessions:\n{}",
        table(&["STARTED", "LAST USED", "IP", "USER AGENT"], &sessions)
    );
    print_events(
        detail["recent_events"]
            .as_array()
            .map_or(&[][..], Vec::as_slice),
    );
}

pub fn print_events(events: &[serde_json::Value]) {
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            ["at", "kind", "user_id", "actor_id", "ip", "detail"]
                .iter()
                .map(|k| cell(&e[*k]))
                .collect()
        })
        .collect();
    println!(
        "\nevents:\n{}",
        table(&["AT", "KIND", "USER", "ACTOR", "IP", "DETAIL"], &rows)
    );
}

/// A JSON value as a table cell: strings bare, null as `-`.
pub fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let rows = vec![
            vec!["1".to_owned(), "ann".to_owned()],
            vec!["10".to_owned(), "b".to_owned()],
        ];
        assert_eq!(table(&["ID", "USER"], &rows), "ID  USER\n1   ann\n10  b");
        assert_eq!(when(None), "-");
        assert_eq!(when(Some(0)), "1970-01-01 00:00:00 UTC");
    }
}
