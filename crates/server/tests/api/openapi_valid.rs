//! `/openapi.json` is a well-formed OpenAPI 3.1 document: its version and info, every
//! operation with an id of its own and at least one response under a valid status, every
//! path parameter declared (and every declared one in its path), every `$ref` resolving,
//! every security requirement naming a declared scheme, every request body with a media type.
//! (schemathesis, run by `scripts/schemathesis`, validates it against the 3.1 schema too.)

use crate::support::TestApp;
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What `$ref` points at, read as a JSON pointer into `doc`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => found.push(r),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

fn template_parameters(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// The problems of one operation at `path`.
fn operation_problems(doc: &Value, path: &str, method: &str, op: &Value) -> Vec<String> {
    let at = format!("{method} {path}");
    let mut problems = Vec::new();
    let responses = op["responses"].as_object();
    if responses.is_none_or(|r| r.is_empty()) {
        problems.push(format!("{at}: no responses"));
    }
    for status in responses.into_iter().flat_map(|r| r.keys()) {
        let valid = status == "default"
            || (status.len() == 3
                && status.chars().all(|c| c.is_ascii_digit())
                && ('1'..='5').contains(&status.chars().next().unwrap()));
        if !valid {
            problems.push(format!("{at}: status {status}"));
        }
    }
    let declared: BTreeSet<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => resolve(doc, r).cloned().unwrap_or(Value::Null),
            None => p.clone(),
        })
        .filter(|p| p["in"] == "path")
        .inspect(|p| {
            if p["required"] != true {
                problems.push(format!("{at}: path parameter {} not required", p["name"]));
            }
        })
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    if declared != template_parameters(path) {
        problems.push(format!("{at}: path parameters declared {declared:?}"));
    }
    if let Some(body) = op.get("requestBody") {
        let content = body.get("content").and_then(Value::as_object);
        if content.is_none_or(|c| c.is_empty()) {
            problems.push(format!("{at}: a request body without a media type"));
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object();
    for requirement in op["security"].as_array().into_iter().flatten() {
        for name in requirement.as_object().unwrap().keys() {
            if schemes.is_none_or(|s| !s.contains_key(name)) {
                problems.push(format!("{at}: unknown security scheme {name}"));
            }
        }
    }
    problems
}

#[tokio::test]
async fn the_document_is_well_formed_openapi_3_1() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    app.stop().await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Tessera");
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());

    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with('/') {
            problems.push(format!("{path}: not a path"));
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            operations += 1;
            match op["operationId"].as_str() {
                Some(id) if ids.insert(id.to_owned()) => {}
                id => problems.push(format!(
                    "{method} {path}: operationId {id:?} missing or repeated"
                )),
            }
            problems.extend(operation_problems(&doc, path, method, op));
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for reference in found {
        if resolve(&doc, reference).is_none() {
            problems.push(format!("{reference} does not resolve"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(operations > 100, "{operations} operations");
}

#[tokio::test]
async fn each_dialect_describes_its_error_shapes() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    app.stop().await;
    let schemas = &doc["components"]["schemas"];
    // DRF's field errors: each field's messages.
    let field_errors = &schemas["FieldErrors"]["additionalProperties"]["anyOf"];
    assert_eq!(field_errors[0]["type"], "array", "{field_errors}");
    assert!(
        schemas["Detail"]["required"]
            .as_array()
            .unwrap()
            .contains(&"detail".into())
    );
    assert!(
        schemas["TokenError"]["properties"]
            .get("messages")
            .is_some()
    );
    // A body's refusals, a throttle and the opaque 500 are on the operations that have them.
    let register = &doc["paths"]["/auth/users/"]["post"]["responses"];
    for status in ["201", "400", "408", "413", "415", "429", "500", "503"] {
        assert!(register.get(status).is_some(), "register: {status}");
    }
    let me = &doc["paths"]["/api/auth/{username}/"]["get"]["responses"];
    assert_eq!(me["401"]["$ref"], "#/components/responses/Unauthenticated");
    let server_error = &schemas["ServerError"]["properties"];
    assert!(server_error.get("request_id").is_some());
}
