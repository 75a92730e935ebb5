package io.distexec.master.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST API lives under /api/v1; its OpenAPI document is at /openapi. */
@ApplicationPath("/api/v1")
@OpenAPIDefinition(
    info =
        @Info(
            title = "distexec",
            version = "v1",
            description =
                "Run commands on a fleet of workers: submit jobs, follow their output and state, list and "
                    + "cancel them, see and drain workers. Errors are RFC 9457 problem bodies that name the fields to fix."))
public class RestApplication extends Application {}
