//! `Message`: one catalogue text, parsed: literal runs, `{name}` values, and choices by a
//! count in ICU MessageFormat's plural form, `{name, plural, =0 {…} one {…} other {…}}`,
//! where `#` stands for the count. Which arm `one` is follows the language's plural rule.

/// A parsed catalogue text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Value(String),
    /// `#` inside a plural arm: the count.
    Count,
    Plural {
        name: String,
        arms: Vec<(Selector, Vec<Part>)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selector {
    Exact(i64),
    One,
    Other,
}

impl Message {
    /// Parse `text`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut chars = text.chars().peekable();
        let parts = parts(&mut chars, false)?;
        Ok(Self { parts })
    }

    /// The names of the values it uses (plain and counted), sorted, each once.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut names = Vec::new();
        collect(&self.parts, &mut names);
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The text in `lang` with each value given by `value`; `Err` for a value it lacks.
    pub fn fill(
        &self,
        lang: &str,
        mut value: impl FnMut(&str) -> Option<String>,
    ) -> Result<String, String> {
        let mut out = String::new();
        write(&self.parts, lang, None, &mut value, &mut out)?;
        Ok(out)
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Parts up to the end of the text, or (in a plural arm) up to and including its `}`.
fn parts(chars: &mut Chars<'_>, in_arm: bool) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    loop {
        let Some(c) = chars.next() else {
            if in_arm {
                return Err("a plural arm is not closed with `}`".into());
            }
            break;
        };
        let part = match c {
            '{' => placeholder(chars)?,
            '}' if in_arm => break,
            '}' => return Err("a `}` that closes nothing".into()),
            '#' if in_arm => Part::Count,
            c => {
                literal.push(c);
                continue;
            }
        };
        if !literal.is_empty() {
            parts.push(Part::Literal(std::mem::take(&mut literal)));
        }
        parts.push(part);
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

/// After a `{`: `name}` or `name, plural, arms}`.
fn placeholder(chars: &mut Chars<'_>) -> Result<Part, String> {
    let (name, end) = word(chars, &[',', '}'])?;
    if end == '}' {
        return Ok(Part::Value(name));
    }
    let (kind, _) = word(chars, &[','])?;
    if kind != "plural" {
        return Err(format!("`{{{name}, {kind}, …}}`: only `plural` is known"));
    }
    let mut arms = Vec::new();
    loop {
        skip_spaces(chars);
        match chars.next() {
            Some('}') => break,
            Some(c) => {
                let mut selector = String::from(c);
                while let Some(c) = chars.next_if(|c| *c != '{' && !c.is_whitespace()) {
                    selector.push(c);
                }
                skip_spaces(chars);
                if chars.next() != Some('{') {
                    return Err(format!(
                        "`{name}`: `{selector}` must be followed by `{{text}}`"
                    ));
                }
                arms.push((self::selector(&selector)?, parts(chars, true)?));
            }
            None => return Err(format!("the plural of `{name}` is not closed with `}}`")),
        }
    }
    if !arms.iter().any(|(s, _)| *s == Selector::Other) {
        return Err(format!("the plural of `{name}` needs an `other {{…}}` arm"));
    }
    Ok(Part::Plural { name, arms })
}

/// A name up to one of `ends` (which is consumed and answered), spaces trimmed.
fn word(chars: &mut Chars<'_>, ends: &[char]) -> Result<(String, char), String> {
    let mut word = String::new();
    for c in chars.by_ref() {
        if ends.contains(&c) {
            let word = word.trim().to_owned();
            let valid =
                !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return match valid {
                true => Ok((word, c)),
                false => Err(format!(
                    "`{{{word}`: a value's name is letters, digits and `_`"
                )),
            };
        }
        word.push(c);
    }
    Err(format!("an unclosed `{{{word}`"))
}

fn skip_spaces(chars: &mut Chars<'_>) {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
}

fn selector(text: &str) -> Result<Selector, String> {
    match text {
        "one" => Ok(Selector::One),
        "other" => Ok(Selector::Other),
        _ => text
            .strip_prefix('=')
            .and_then(|n| n.parse().ok())
            .map(Selector::Exact)
            .ok_or_else(|| format!("`{text}`: a plural arm is `=N`, `one` or `other`")),
    }
}

fn collect<'a>(parts: &'a [Part], names: &mut Vec<&'a str>) {
    for part in parts {
        match part {
            Part::Value(name) => names.push(name),
            Part::Plural { name, arms } => {
                names.push(name);
                for (_, arm) in arms {
                    collect(arm, names);
                }
            }
            Part::Literal(_) | Part::Count => {}
        }
    }
}

fn write(
    parts: &[Part],
    lang: &str,
    count: Option<i64>,
    value: &mut impl FnMut(&str) -> Option<String>,
    out: &mut String,
) -> Result<(), String> {
    for part in parts {
        match part {
            Part::Literal(text) => out.push_str(text),
            Part::Count => out.push_str(&count.unwrap_or_default().to_string()),
            Part::Value(name) => out.push_str(&value(name).ok_or_else(|| no_value(name))?),
            Part::Plural { name, arms } => {
                let raw = value(name).ok_or_else(|| no_value(name))?;
                let n: i64 = raw
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{name}` is {raw:?}, not a whole number"))?;
                let arm = arms
                    .iter()
                    .find(|(s, _)| *s == Selector::Exact(n))
                    .or_else(|| arms.iter().find(|(s, _)| *s == category(lang, n)))
                    .or_else(|| arms.iter().find(|(s, _)| *s == Selector::Other));
                if let Some((_, arm)) = arm {
                    write(arm, lang, Some(n), value, out)?;
                }
            }
        }
    }
    Ok(())
}

fn no_value(name: &str) -> String {
    format!("no value `{name}`")
}

/// CLDR's cardinal category of a whole number `n` in `lang`, as far as Tessera's languages
/// tell `one` from `other`: 1 in English and Spanish; 0 and 1 in French.
fn category(lang: &str, n: i64) -> Selector {
    let one = match lang {
        "fr" => n == 0 || n == 1,
        _ => n == 1,
    };
    if one { Selector::One } else { Selector::Other }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(text: &str, lang: &str, n: i64) -> String {
        let message = Message::parse(text).unwrap();
        message
            .fill(lang, |name| match name {
                "n" => Some(n.to_string()),
                "site" => Some("Tessera".into()),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn values_and_plurals_by_each_languages_rule() {
        let text = "{site}: {n, plural, =0 {none is left} one {# is left} other {# are left}}.";
        assert_eq!(filled(text, "en", 0), "Tessera: none is left.");
        assert_eq!(filled(text, "en", 1), "Tessera: 1 is left.");
        assert_eq!(filled(text, "en", 9), "Tessera: 9 are left.");
        let fr = "il {n, plural, one {reste # code} other {reste # codes}} sur {site}";
        assert_eq!(filled(fr, "fr", 0), "il reste 0 code sur Tessera");
        assert_eq!(filled(fr, "fr", 1), "il reste 1 code sur Tessera");
        assert_eq!(filled(fr, "fr", 2), "il reste 2 codes sur Tessera");
        assert_eq!(filled(fr, "es", 0), "il reste 0 codes sur Tessera");
        assert_eq!(filled("# is {site}", "en", 1), "# is Tessera");
        let message = Message::parse(text).unwrap();
        assert_eq!(message.placeholders(), ["n", "site"]);
        let missing = message.fill("en", |_| None).unwrap_err();
        assert!(missing.contains("`site`"), "{missing}");
        let message = Message::parse("{n, plural, other {#}}").unwrap();
        assert!(message.fill("en", |_| Some("many".into())).is_err());
    }

    #[test]
    fn malformed_texts_say_what_is_wrong() {
        for (text, why) in [
            ("Hi {name", "unclosed"),
            ("Hi }", "closes nothing"),
            ("{n, select, a {x}}", "only `plural`"),
            ("{n, plural, one {x}}", "`other"),
            ("{n, plural, few {x} other {y}}", "`few`"),
            ("{n, plural, other {x}", "not closed"),
            ("{n, plural, other x}", "followed by"),
            ("{a b}", "letters, digits"),
        ] {
            let err = Message::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }
}
