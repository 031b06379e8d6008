/**
 * The descriptor contract this studio analyses at, recorded with every analysis (face_analyses.descriptor_version)
 * so a project analysed under an older one is recognised: version 1 stored FaceMesh V1's 468 landmarks and no
 * facial actions; version 2 stores facemesh_v2's 478 landmarks and, on every face facing the camera, the blendshape
 * model's 52 facial-action scores and 64-d action embedding (faceActions.ts). One constant, so the pipeline that
 * writes analyses and the code that reads descriptors agree on what "current" is.
 */
export const ANALYSIS_DESCRIPTOR_VERSION = 2;
