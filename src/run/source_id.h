/* source_id.h: what identifies the source this build was made from. */
#ifndef AB_SOURCE_ID_H
#define AB_SOURCE_ID_H

/* The commit that last changed src/ or the Makefile, with "-dirty" when
 * they differed from it, or outside git "src-" and a hash of src/ and the
 * Makefile (scripts/source-id.sh, run by the build). */
const char *ab_source_id(void);

#endif
