package dev.tessera.adminui.profile;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** Turns profile-service failures into a page a person can act on, instead of an error trace. */
@ControllerAdvice(assignableTypes = ProfileController.class)
class ProfileServiceErrors {

    @ExceptionHandler(ProfileServiceException.class)
    ModelAndView profileServiceFailed(ProfileServiceException e) {
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            return ProfileController.message(e.status(), "Profile service unavailable",
                    "Customer profiles cannot be shown right now because the profile service is not answering. "
                            + "Please try again in a minute.");
        }
        if (e.status() == HttpStatus.CONFLICT) {
            return ProfileController.message(e.status(), "Former id of a split profile",
                    "This id belonged to a profile that was merged into another one, which an agent split since. It "
                            + "no longer tells whose data it stands for, so it is not opened. Find the customer by "
                            + "email instead.");
        }
        return ProfileController.message(e.status(), "Profile service error",
                "The profile service gave an answer this page cannot show. Please try again later.");
    }
}
