//! The [`Operation`] trait: one API call as a plain value.

use crate::config::Config;
use crate::error::Error;
use crate::wire::{HttpRequest, HttpResponse};

/// One API call: how to build its request and how to read its response.
///
/// Both directions are pure functions, so an operation can be driven by any transport, or
/// none at all in tests. Wrap it in [`crate::retry::Retrying`] to get retries and rate-limit
/// backoff.
pub trait Operation {
    /// What a successful response becomes.
    type Output;

    /// Validates the input and builds the request. Nothing invalid ever leaves the process.
    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error>;

    /// Reads the response: a typed value, or the typed error the response carries.
    fn parse(&self, resp: HttpResponse) -> Result<Self::Output, Error>;

    /// Whether sending the request twice has the same effect as sending it once, so that it
    /// is safe to resend after an ambiguous transport failure.
    fn idempotent(&self) -> bool;
}

impl<O: Operation + ?Sized> Operation for &O {
    type Output = O::Output;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        (**self).to_request(cfg)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Self::Output, Error> {
        (**self).parse(resp)
    }

    fn idempotent(&self) -> bool {
        (**self).idempotent()
    }
}

impl<O: Operation + ?Sized> Operation for Box<O> {
    type Output = O::Output;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        (**self).to_request(cfg)
    }

    fn parse(&self, resp: HttpResponse) -> Result<Self::Output, Error> {
        (**self).parse(resp)
    }

    fn idempotent(&self) -> bool {
        (**self).idempotent()
    }
}

/// Where an operation sits in the API: its `operationId`, method and path template, as the
/// official API document names them. Every operation of the API description implements it.
///
/// ```
/// use hcloud_core::{servers::GetServer, Endpoint};
///
/// assert_eq!(GetServer::OPERATION_ID, "get_server");
/// assert_eq!((GetServer::METHOD, GetServer::PATH), ("GET", "/servers/{id}"));
/// ```
pub trait Endpoint: Operation {
    /// The `operationId`, such as `get_server`.
    const OPERATION_ID: &'static str;
    /// The HTTP method, upper case.
    const METHOD: &'static str;
    /// The path template below the API's base URL, such as `/servers/{id}`.
    const PATH: &'static str;
}
