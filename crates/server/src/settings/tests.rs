//! Tests of the settings table: it is `Config`'s fields and defaults, the README's table and
//! `deploy/tessera.toml`.

use super::*;
use crate::Config;
use figment::Figment;
use figment::providers::{Format, Toml};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The field names `Config` deserializes (as its `serde` attributes spell them).
fn config_fields() -> Vec<&'static str> {
    struct Names(Vec<&'static str>);
    impl<'de> Deserializer<'de> for &mut Names {
        type Error = de::value::Error;
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.extend_from_slice(fields);
            Err(de::Error::custom("only the names were wanted"))
        }
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("a struct was expected"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
            enum identifier ignored_any
        }
    }
    let mut names = Names(Vec::new());
    let _ = Config::deserialize(&mut names);
    names.0
}

#[test]
fn every_setting_is_a_config_field_and_every_field_a_setting() {
    let mut fields: Vec<String> = config_fields().iter().map(|f| f.to_string()).collect();
    let mut names: Vec<String> = SETTINGS
        .iter()
        .map(|s| s.name.trim_start_matches("TESSERA_").to_lowercase())
        .collect();
    fields.sort();
    names.sort();
    assert_eq!(names, fields);
}

#[test]
fn every_default_the_table_gives_as_a_value_is_the_codes() {
    let expected = format!("{:?}", Config::default());
    for s in SETTINGS {
        let Some(value) = toml_literal(s.default) else {
            continue;
        };
        let key = s.name.trim_start_matches("TESSERA_").to_lowercase();
        let toml = format!("\"{key}\" = {value}");
        let loaded: Config = Figment::new()
            .merge(Toml::string(&toml))
            .extract()
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        assert_eq!(format!("{loaded:?}"), expected, "{}", s.name);
    }
}

#[test]
fn the_example_file_is_this_table_and_loads_as_the_defaults() {
    let file = include_str!("../../../../deploy/tessera.toml");
    assert!(
        file == example_toml(),
        "deploy/tessera.toml differs from settings/mod.rs; it should read:\n{}",
        example_toml()
    );
    // Every value line uncommented: the defaults, exactly.
    let uncommented: String = file
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.contains(" = ") && !l.contains("(default:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let loaded: Config = Figment::new()
        .merge(Toml::string(&uncommented))
        .extract()
        .unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
    assert_eq!(format!("{loaded:?}"), format!("{:?}", Config::default()));
}

#[test]
fn the_readme_table_is_this_one() {
    let readme = include_str!("../../../../README.md");
    assert!(
        readme.contains(&markdown_table()),
        "README.md's settings table differs from settings/mod.rs; it should read:\n{}",
        markdown_table()
    );
}
