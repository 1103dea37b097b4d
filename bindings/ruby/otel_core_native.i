/* The Ruby low-level module (require "otel_core_native"); see ../swig/otel_core.i. */
%module otel_core_native
%include "../swig/otel_core.i"
