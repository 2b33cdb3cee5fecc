package io.zkclob.gateway;

import io.swagger.v3.oas.annotations.Hidden;
import io.zkclob.support.ProblemHandler;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error path. Errors raised outside Spring MVC's handlers (a filter, the container) land
 * here; they leave as problem details with a code, never as Spring Boot's white-label HTML page.
 */
@Hidden // not an endpoint of the API: the container forwards here
@RestController
class ErrorApi implements ErrorController {
    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
        if (status == null || !status.isError()) status = HttpStatus.INTERNAL_SERVER_ERROR;
        ProblemDetail p = status.is5xxServerError()
                ? ProblemHandler.problem(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "temporarily unavailable, retry later")
                : ProblemHandler.problem(status, status == HttpStatus.NOT_FOUND ? "NOT_FOUND" : "MALFORMED_REQUEST",
                        "the request was refused (" + status.value() + ")");
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }
}
