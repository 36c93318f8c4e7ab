//! The exported WebAssembly ABI: numbers in, numbers out, JSON through two buffers.
//!
//! The module owns two byte buffers in its linear memory:
//!
//! - the **input** buffer, which [`hc_input`] sizes and returns the address of; the host
//!   writes a JSON document (and, for a response, the raw body right after it) there, then
//!   calls the export that reads it, passing the lengths;
//! - the **output** buffer, which every export that answers with JSON fills; the host reads
//!   [`hc_output_len`] bytes at [`hc_output_ptr`].
//!
//! Addresses are valid until the next call into the module (a call may grow memory, which
//! detaches the host's view of it). Nothing here calls back into the host, so calls never
//! nest.
//!
//! There is no `unsafe` block in this crate: Rust hands out addresses of buffers it owns
//! (which is safe) and only ever reads them through ordinary slices. The host writing into
//! linear memory is outside Rust's view, as for any WebAssembly module. The lint is allowed
//! in this module only because `#[unsafe(no_mangle)]`, which exports a symbol under its
//! plain name, counts as unsafe code.
#![allow(unsafe_code)]

use std::cell::RefCell;

use crate::registry::Registry;

#[derive(Default)]
struct Host {
    registry: Registry,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl Host {
    /// The first `len` bytes of the input buffer (fewer if the host asked for more than it
    /// reserved).
    fn input(&self, from: usize, len: usize) -> &[u8] {
        let end = from.saturating_add(len).min(self.input.len());
        &self.input[from.min(end)..end]
    }

    /// Puts a JSON answer in the output buffer; returns its length.
    fn answer(&mut self, json: Vec<u8>) -> usize {
        self.output = json;
        self.output.len()
    }
}

thread_local! {
    static HOST: RefCell<Host> = RefCell::default();
}

fn with_host<T>(f: impl FnOnce(&mut Host) -> T) -> T {
    HOST.with(|host| f(&mut host.borrow_mut()))
}

/// Makes the input buffer `len` bytes long (zeroed) and returns its address, for the host
/// to write the next call's input into.
#[unsafe(no_mangle)]
pub extern "C" fn hc_input(len: usize) -> usize {
    with_host(|host| {
        host.input.clear();
        host.input.resize(len, 0);
        host.input.as_mut_ptr() as usize
    })
}

/// The address of the last JSON answer.
#[unsafe(no_mangle)]
pub extern "C" fn hc_output_ptr() -> usize {
    with_host(|host| host.output.as_ptr() as usize)
}

/// The length in bytes of the last JSON answer.
#[unsafe(no_mangle)]
pub extern "C" fn hc_output_len() -> usize {
    with_host(|host| host.output.len())
}

/// Creates a machine from the JSON spec in the first `len` bytes of the input buffer.
/// Returns its handle, or 0 with an error object in the output buffer.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_new(len: usize) -> u32 {
    with_host(|host| {
        let spec = host.input(0, len).to_vec();
        match host.registry.create(&spec) {
            Ok(handle) => {
                host.output.clear();
                handle
            }
            Err(error) => {
                host.answer(error);
                0
            }
        }
    })
}

/// Polls a machine with the host's clock in milliseconds; the step goes to the output
/// buffer and its length is returned.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_poll(handle: u32, now_ms: f64) -> usize {
    with_host(|host| {
        let step = host.registry.poll(handle, now_ms);
        host.answer(step)
    })
}

/// Reports a response with its HTTP `status`: the input buffer holds `head_len` bytes of
/// headers as `name: value` lines, then `body_len` bytes of body. Returns 1, or 0 with an
/// error object in the output buffer when the handle is unknown.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_response(
    handle: u32,
    now_ms: f64,
    status: u32,
    head_len: usize,
    body_len: usize,
) -> u32 {
    with_host(|host| {
        let head = host.input(0, head_len).to_vec();
        let body = host.input(head_len, body_len).to_vec();
        let status = u16::try_from(status).unwrap_or(0);
        match host.registry.respond(handle, now_ms, status, &head, &body) {
            Ok(()) => 1,
            Err(error) => {
                host.answer(error);
                0
            }
        }
    })
}

/// Reports a transport failure: `kind` 0 connect, 1 timeout, 2 other; `maybe_sent` 0 or 1.
/// Returns 1, or 0 with an error object in the output buffer when the handle is unknown.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_transport_error(handle: u32, now_ms: f64, kind: u32, maybe_sent: u32) -> u32 {
    with_host(|host| match host.registry.transport_error(handle, now_ms, kind, maybe_sent != 0) {
        Ok(()) => 1,
        Err(error) => {
            host.answer(error);
            0
        }
    })
}

/// Frees a machine. Returns 1 if it existed.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_free(handle: u32) -> u32 {
    with_host(|host| u32::from(host.registry.free(handle)))
}

/// How many machines are alive.
#[unsafe(no_mangle)]
pub extern "C" fn hc_machine_count() -> u32 {
    with_host(|host| u32::try_from(host.registry.live()).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays the host: writes input through the address, as JavaScript does, except that
    /// here it goes through the owning buffer.
    fn write_input(bytes: &[u8]) -> usize {
        let address = hc_input(bytes.len());
        with_host(|host| {
            assert_eq!(host.input.as_ptr() as usize, address);
            host.input.copy_from_slice(bytes);
        });
        bytes.len()
    }

    fn output() -> serde_json::Value {
        with_host(|host| serde_json::from_slice(&host.output).unwrap())
    }

    #[test]
    fn the_exports_round_trip_json() {
        let spec = br#"{"kind": "get_server", "id": 3, "config": {"token": "t", "endpoint": "http://127.0.0.1:9/v1"}}"#;
        let handle = hc_machine_new(write_input(spec));
        assert_ne!(handle, 0);
        assert_eq!(hc_machine_count(), 1);
        let len = hc_machine_poll(handle, 0.0);
        assert_eq!(len, hc_output_len());
        assert_eq!(output()["url"], "http://127.0.0.1:9/v1/servers/3");

        let head = b"content-type: application/json\r\n";
        let body = br#"{"error": {"code": "not_found", "message": "no"}}"#;
        write_input(&[&head[..], &body[..]].concat());
        assert_eq!(hc_machine_response(handle, 1.0, 404, head.len(), body.len()), 1);
        hc_machine_poll(handle, 2.0);
        assert_eq!(output()["error"]["code"], "not_found");
        assert_eq!(hc_machine_free(handle), 1);
        assert_eq!(hc_machine_free(handle), 0);

        assert_eq!(hc_machine_new(write_input(b"[]")), 0);
        assert_eq!(output()["kind"], "spec");
        assert_eq!(hc_machine_transport_error(handle, 0.0, 0, 0), 0);
        assert_eq!(output()["code"], "unknown_handle");
    }
}
