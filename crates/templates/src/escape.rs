//! HTML escaping that leaves URLs readable: `&`, `<`, `>`, `"` and `'` are escaped, which is
//! all an attribute value or text needs; minijinja's own escaper also writes `/` as `&#x2f;`,
//! which turned every mailed link into `http:&#x2f;&#x2f;…`.

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, Output, State, escape_formatter};

/// An environment where templates named `*.html` are HTML-escaped with `escape_html`.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format);
    env
}

fn format(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() && !value.is_none() {
        let text = value.to_string();
        return out.write_str(&escape_html(&text)).map_err(Error::from);
    }
    escape_formatter(out, state, value)
}

/// `text` with the five characters HTML gives meaning to replaced by entities.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_stay_whole_and_markup_is_escaped() {
        let mut env = environment();
        env.add_template("t.html", r#"<a href="{{ url }}">{{ text }}</a>"#)
            .unwrap();
        env.add_template("t.txt", "{{ text }}").unwrap();
        let ctx = minijinja::context! {
            url => "https://app.example/a/b?x=1&y=\"2\"",
            text => "<b>'Tom' & Jerry</b>",
        };
        let html = env.get_template("t.html").unwrap().render(&ctx).unwrap();
        assert_eq!(
            html,
            "<a href=\"https://app.example/a/b?x=1&amp;y=&quot;2&quot;\">\
             &lt;b&gt;&#x27;Tom&#x27; &amp; Jerry&lt;/b&gt;</a>"
        );
        let text = env.get_template("t.txt").unwrap().render(&ctx).unwrap();
        assert_eq!(text, "<b>'Tom' & Jerry</b>");
    }
}
