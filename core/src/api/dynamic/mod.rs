//! Any operation by its `operationId`, built from JSON that names parameters and body fields
//! as the API does: for tools that take operations as data (scripts, other languages,
//! WebAssembly hosts) and for tests that check every operation against the API document.
//!
//! Enabled by the `dynamic` feature. The result is an ordinary [`Operation`] whose output is
//! the typed output serialized back to JSON, so input errors, decoding and error mapping are
//! exactly those of the typed operation.
//!
//! ```
//! # #[cfg(feature = "dynamic")] {
//! use hcloud_core::{dynamic, Config, Operation};
//!
//! let op = dynamic::operation("get_server", serde_json::json!({"id": 42}))?;
//! let request = op.to_request(&Config::new("token")?)?;
//! assert_eq!(request.uri(), "https://api.hetzner.cloud/v1/servers/42");
//! assert!(dynamic::operation("get_server", serde_json::json!({"id": 42, "x": 1})).is_err());
//! # }
//! # Ok::<(), hcloud_core::Error>(())
//! ```
#![cfg(feature = "dynamic")]

mod generated;

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use generated::OPERATION_IDS;

use crate::config::Config;
use crate::error::{Error, InputError};
use crate::operation::{Endpoint, Operation};
use crate::wire::{HttpRequest, HttpResponse};

/// An operation chosen at run time. It is an [`Operation`] itself (through
/// `Box<dyn DynamicOperation>`), with the typed output serialized to JSON.
pub trait DynamicOperation: fmt::Debug + Send + Sync {
    /// Its `operationId`.
    fn operation_id(&self) -> &'static str;
    /// See [`Operation::to_request`].
    fn request(&self, cfg: &Config) -> Result<HttpRequest, Error>;
    /// See [`Operation::parse`]; the typed output, as JSON.
    fn parse_json(&self, resp: HttpResponse) -> Result<serde_json::Value, Error>;
    /// See [`Operation::idempotent`].
    fn is_idempotent(&self) -> bool;
}

impl Operation for Box<dyn DynamicOperation> {
    type Output = serde_json::Value;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        self.request(cfg)
    }

    fn parse(&self, resp: HttpResponse) -> Result<serde_json::Value, Error> {
        self.parse_json(resp)
    }

    fn idempotent(&self) -> bool {
        self.is_idempotent()
    }
}

/// Builds the operation `operation_id` from `input`: path parameters, query parameters and
/// body fields in one object, named as the API names them. Unknown names are errors.
pub fn operation(operation_id: &str, input: serde_json::Value) -> Result<Box<dyn DynamicOperation>, Error> {
    generated::build(operation_id, input)
}

struct Dynamic<O>(O);

impl<O: fmt::Debug> fmt::Debug for Dynamic<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<O> Dynamic<O>
where
    O: Endpoint + DeserializeOwned + fmt::Debug + Send + Sync + 'static,
    O::Output: Serialize,
{
    fn from_json(input: serde_json::Value) -> Result<Box<dyn DynamicOperation>, Error> {
        let op: O =
            serde_json::from_value(input).map_err(|e| InputError::new(O::OPERATION_ID, e.to_string()))?;
        Ok(Box::new(Dynamic(op)))
    }
}

impl<O> DynamicOperation for Dynamic<O>
where
    O: Endpoint + fmt::Debug + Send + Sync,
    O::Output: Serialize,
{
    fn operation_id(&self) -> &'static str {
        O::OPERATION_ID
    }

    fn request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        self.0.to_request(cfg)
    }

    fn parse_json(&self, resp: HttpResponse) -> Result<serde_json::Value, Error> {
        let output = self.0.parse(resp)?;
        serde_json::to_value(output).map_err(|e| {
            InputError::new(O::OPERATION_ID, format!("the output cannot be written as JSON: {e}")).into()
        })
    }

    fn is_idempotent(&self) -> bool {
        self.0.idempotent()
    }
}

fn unknown(operation_id: &str) -> Error {
    InputError::new("operation_id", format!("{operation_id:?} is not an operation of the API")).into()
}
