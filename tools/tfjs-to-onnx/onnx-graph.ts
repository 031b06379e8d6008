/** The ONNX graph builder lives in core, which writes the studio's pair heads with it at run time. */
export * from '../../src-main/core/onnx/graphBuilder';
