//! Any bytes as the body of an error answer: a ServiceError or a
//! DecodeError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sts_core::xml::parse_error_response(data, Some(400));
});
