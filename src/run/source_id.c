/* source_id.c: the build's source identifier, given by the Makefile
 * (-DAB_SOURCE_ID, from scripts/source-id.sh). Only this file is rebuilt
 * when the identifier changes. */
#include "source_id.h"

#ifndef AB_SOURCE_ID
#error "AB_SOURCE_ID is not defined: build with make (it runs scripts/source-id.sh)"
#endif

const char *ab_source_id(void)
{
    return AB_SOURCE_ID;
}
