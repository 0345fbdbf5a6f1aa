/** Tensors and ONNX Runtime sessions: the only package that touches JNI. */
package io.creditscorer.inference;
