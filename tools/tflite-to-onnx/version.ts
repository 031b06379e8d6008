/** Written into every converted model (producer_version) and its model card; bump when the output bytes change. */
export const CONVERTER_VERSION = '1.0.0';
